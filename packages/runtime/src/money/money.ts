/**
 * Money as integer minor units plus an ISO 4217 currency. Amounts enter as decimal strings and
 * never pass through a float.
 * @module
 */

/** An amount of money: integer minor units (cents for USD) and the ISO 4217 code. @public */
export interface Money {
  readonly amount_minor: number;
  readonly currency: string;
}

// ISO 4217 minor-unit exponents that are not 2 (CLDR differs from ISO for a few, so we keep our own).
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

let known: Set<string> | undefined;
function knownCurrencies(): Set<string> {
  known ??= new Set(Intl.supportedValuesOf("currency"));
  return known;
}

/** Thrown for an unknown currency or a malformed or over-precise amount. @public */
export class MoneyError extends Error {
  override readonly name = "MoneyError";
}

/** Whether `code` is an ISO 4217 currency this runtime knows. @public */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies().has(code);
}

/**
 * The ISO 4217 exponent (digits after the decimal point) of a currency.
 * @throws MoneyError for an unknown currency
 * @public
 */
export function currencyExponent(code: string): number {
  if (!isCurrency(code)) throw new MoneyError(`Unknown currency '${code}'`);
  return EXPONENTS[code] ?? 2;
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d+))?$/;

/**
 * Parse a decimal string (`"1234.5"`, `"-0.01"`) into integer minor units of `currency`.
 * Rejects floats, exponents, thousands separators, excess precision and unsafe magnitudes.
 *
 * @example parseMoney("12.30", "USD") // { amount_minor: 1230, currency: "USD" }
 * @throws MoneyError
 * @public
 */
export function parseMoney(input: string, currency: string): Money {
  const exp = currencyExponent(currency);
  if (typeof input !== "string") throw new MoneyError('Amount must be a decimal string such as "12.34"');
  const m = DECIMAL.exec(input.trim());
  if (!m) throw new MoneyError(`'${input}' is not a decimal amount such as "12.34"`);
  const [, sign, whole = "0", frac = ""] = m;
  const significant = frac.replace(/0+$/, "");
  if (significant.length > exp) {
    throw new MoneyError(`'${input}' has more than ${exp} decimal places, the precision of ${currency}`);
  }
  const minor = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, "0").slice(0, exp) || "0");
  const signed = sign ? -minor : minor;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError(`'${input}' is too large`);
  }
  // Avoid -0 so equality and JSON stay simple.
  return { amount_minor: Number(signed) || 0, currency };
}

/**
 * Format minor units back to a plain decimal string with the currency's exponent.
 * @example formatMoney({ amount_minor: -5, currency: "USD" }) // "-0.05"
 * @public
 */
export function formatMoney(money: Money): string {
  const exp = currencyExponent(money.currency);
  if (!Number.isSafeInteger(money.amount_minor)) throw new MoneyError("amount_minor must be a safe integer");
  const neg = money.amount_minor < 0;
  const digits = String(Math.abs(money.amount_minor)).padStart(exp + 1, "0");
  const whole = exp === 0 ? digits : digits.slice(0, -exp);
  const frac = exp === 0 ? "" : `.${digits.slice(-exp)}`;
  return `${neg ? "-" : ""}${whole}${frac}`;
}

/**
 * Money for a sentence a person reads: thousands grouped, the currency's decimals, its code after.
 * Deterministic (no locale), so texts and their tests do not depend on the machine.
 * @example moneyText({ amount_minor: 5300000, currency: "USD" }) // "53,000.00 USD"
 * @public
 */
export function moneyText(money: Money): string {
  const plain = formatMoney(money);
  const [whole = "", frac] = plain.replace("-", "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${plain.startsWith("-") ? "-" : ""}${grouped}${frac === undefined ? "" : `.${frac}`} ${money.currency}`;
}

/**
 * Convert minor units with a decimal-string rate (units of `to` per one unit of `from`),
 * rounding half away from zero, in integer arithmetic.
 * @example convertMinor(1000, "EUR", "USD", "1.0825") // 1083 (10.00 EUR → 10.83 USD)
 * @public
 */
export function convertMinor(amountMinor: number, from: string, to: string, rate: string): number {
  const r = /^(\d{1,12})(?:\.(\d{1,12}))?$/.exec(rate);
  if (!r) throw new MoneyError(`FX rate '${rate}' is not a positive decimal`);
  const scale = (r[2] ?? "").length;
  const rateInt = BigInt(`${r[1]}${r[2] ?? ""}`);
  const expDiff = currencyExponent(to) - currencyExponent(from);
  let num = BigInt(amountMinor) * rateInt;
  let den = 10n ** BigInt(scale);
  if (expDiff >= 0) num *= 10n ** BigInt(expDiff);
  else den *= 10n ** BigInt(-expDiff);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const q = (abs * 2n + den) / (2n * den);
  return Number(neg ? -q : q);
}
