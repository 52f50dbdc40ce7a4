/**
 * Exact arithmetic for the calculators. Money is integer minor units; rates are decimal strings
 * (`"0.70"`) parsed into exact fractions, so no figure ever passes through a float.
 *
 * Rounding rule (the only one, applied once per product or quotient): the exact rational result is
 * rounded to the nearest integer minor unit, **half away from zero** (`12.5 → 13`, `-12.5 → -13`).
 * Sums and differences of minor units are exact and never rounded.
 * @module
 */

/** An exact non-negative fraction parsed from a decimal string. @public */
export interface Rate {
  readonly num: bigint;
  readonly den: bigint;
}

const RATE = /^(\d{1,6})(?:\.(\d{1,10}))?$/;

/**
 * Parse a decimal-string rate (`"0.70"`, `"0.065"`, `"1"`) into an exact fraction.
 * @throws RangeError naming `field` when the string is not a plain non-negative decimal
 * @public
 */
export function parseRate(value: string, field: string): Rate {
  const m = typeof value === "string" ? RATE.exec(value) : null;
  if (!m)
    throw new RangeError(`'${field}' must be a decimal string such as "0.70", got ${JSON.stringify(value)}`);
  const frac = m[2] ?? "";
  return { num: BigInt(`${m[1]}${frac}`), den: 10n ** BigInt(frac.length) };
}

/**
 * Check an amount is an integer number of minor units (safe for JSON and storage).
 * @throws RangeError naming `field`
 * @public
 */
export function assertMinor(value: number, field: string, opts: { min?: number } = {}): number {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`'${field}' must be an integer amount of minor units`);
  if (opts.min !== undefined && value < opts.min)
    throw new RangeError(`'${field}' must be at least ${opts.min}`);
  return value;
}

/** `num / den` rounded to an integer, half away from zero. `den` must be non-zero. @public */
export function roundDiv(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError("division by zero");
  if (den < 0n) return roundDiv(-num, -den);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const q = (abs * 2n + den) / (2n * den);
  return neg ? -q : q;
}

/** `num / den` rounded up (towards +∞). Used only where the README says so (break-even ARV). @public */
export function ceilDiv(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new RangeError("ceilDiv needs a positive divisor");
  const q = num / den;
  return q * den < num ? q + 1n : q;
}

/** Convert to a JS number, refusing anything beyond 2^53 instead of silently changing it. @internal */
export function toSafe(x: bigint, what: string): number {
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`'${what}' is too large to represent exactly`);
  }
  return Number(x) || 0;
}

/** `minor × rate`, rounded once to a minor unit, half away from zero. @public */
export function mulRate(minor: number, rate: Rate, what = "amount"): number {
  return toSafe(roundDiv(BigInt(minor) * rate.num, rate.den), what);
}

/** `num / den` as a fixed-point decimal string with `places` digits, rounded half away from zero. @public */
export function ratioFixed(num: bigint, den: bigint, places: number): string {
  const scaled = roundDiv(num * 10n ** BigInt(places), den);
  const neg = scaled < 0n;
  const digits = (neg ? -scaled : scaled).toString().padStart(places + 1, "0");
  const whole = places === 0 ? digits : digits.slice(0, -places);
  const frac = places === 0 ? "" : `.${digits.slice(-places)}`;
  return `${neg ? "-" : ""}${whole}${frac}`;
}

/** `num / den` in basis points (1/10000), rounded half away from zero. @public */
export function ratioBps(num: bigint, den: bigint): number {
  return toSafe(roundDiv(num * 10_000n, den), "ratio");
}

/** A percentage change (`-15` → ×0.85) as an exact fraction. @internal */
export function percentFactor(pct: number): Rate {
  return { num: BigInt(100 + pct), den: 100n };
}
