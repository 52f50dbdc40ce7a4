import fc from "fast-check";

/**
 * The random choices the generators below make, drawn from fast-check (`fc.gen()`): the same seed
 * gives the same corpus, and a failing request shrinks to a minimal one.
 */
export function rngOf(g: fc.GeneratorValue): Rng {
  return {
    next: () => g(fc.double, { min: 0, max: 1, maxExcluded: true, noNaN: true }),
    int: (lo, hi) => g(fc.integer, { min: lo, max: hi }),
    chance: (p) => g(fc.double, { min: 0, max: 1, maxExcluded: true, noNaN: true }) < p,
    pick: (xs) => xs[g(fc.nat, { max: xs.length - 1 })]!,
  };
}

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

type Schema = Record<string, unknown>;

/** Hostile strings: traversal, separators, encodings, unicode, NUL, lone surrogates, huge. */
export const EVIL_STRINGS: readonly string[] = [
  "",
  " ",
  "..",
  "../..",
  "..\\..\\windows",
  "a/b",
  "a?b=c",
  "a:b",
  "%2F",
  "%2e%2e%2f",
  "__proto__",
  "constructor",
  "prototype",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "😀",
  "\u202e",
  "ｆｕｌｌ",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  "${7*7}",
  "null",
  "true",
  "9007199254740993",
  "-0",
  "1e400",
  "NaN",
  "0x10",
  "2026-02-30",
  "2026-13-01",
  "10000000000000000000000.01",
  "-1.5",
  "1,5",
  "USD",
  "usd",
  "XXX",
];

export const EVIL_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  "1",
  null,
  true,
  [],
  {},
];

export function evilString(r: Rng): string {
  if (r.chance(0.05)) return "x".repeat(r.pick([256, 5_000, 100_000]));
  if (r.chance(0.1))
    return Array.from({ length: r.int(1, 20) }, () => String.fromCharCode(r.int(0, 0xffff))).join("");
  return r.pick(EVIL_STRINGS);
}

export function evilValue(r: Rng, depth = 0): unknown {
  switch (r.int(0, 7)) {
    case 0:
      return evilString(r);
    case 1:
      return r.pick(EVIL_NUMBERS);
    case 2:
      return null;
    case 3:
      return r.chance(0.5);
    case 4:
      return depth > 3 ? [] : [evilValue(r, depth + 1), evilValue(r, depth + 1)];
    case 5:
      return depth > 3 ? {} : { [evilString(r).slice(0, 50)]: evilValue(r, depth + 1) };
    case 6:
      return nested(r.int(20, 40));
    default:
      return JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}');
  }
}

function nested(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** A value that satisfies a JSON schema (as generated from valibot), so requests reach handlers. */
export function fromSchema(schema: Schema | undefined, r: Rng, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  const any = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (any?.length) return fromSchema(r.pick(any), r, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return r.pick(schema.enum as unknown[]);
  const type = Array.isArray(schema.type) ? r.pick(schema.type as string[]) : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      for (const [k, s] of Object.entries(props))
        if (required.has(k) || r.chance(0.5)) out[k] = fromSchema(s, r, depth + 1);
      return out;
    }
    case "array":
      return Array.from({ length: r.int(0, 2) }, () => fromSchema(schema.items as Schema, r, depth + 1));
    case "integer":
      return r.int(Number(schema.minimum ?? 0), Math.min(Number(schema.maximum ?? 1000), 1000));
    case "number":
      return r.int(0, 100000) / 100;
    case "boolean":
      return r.chance(0.5);
    case "null":
      return null;
    case "string":
      return plausibleString(schema, r);
    default:
      return null;
  }
}

function plausibleString(schema: Schema, r: Rng): string {
  const fmt = schema.format as string | undefined;
  if (fmt === "date") return r.pick(["2026-01-15", "2025-12-31", "2024-02-29"]);
  if (fmt === "date-time") return new Date(Date.UTC(2026, 0, r.int(1, 28))).toISOString();
  if (fmt === "email") return "a@example.com";
  if (fmt === "uri" || fmt === "url") return "https://example.com/x";
  const pattern = String(schema.pattern ?? "");
  if (/\[A-Z\]\{3\}/.test(pattern)) return r.pick(["USD", "EUR", "GBP", "JPY"]);
  if (/\\d|0-9/.test(pattern)) return r.pick(["100", "12.50", "0.01", "250000.00", "1"]);
  const min = Number(schema.minLength ?? 1);
  return "x".repeat(Math.max(min, r.int(1, 12)));
}

/** Mutate a valid value: swap a field for a hostile one, drop one, add unknown or prototype keys. */
export function mutate(value: unknown, r: Rng): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return r.chance(0.5) ? evilValue(r) : value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(out);
  const op = r.int(0, 4);
  if (op === 0 && keys.length) out[r.pick(keys)] = evilValue(r);
  else if (op === 1 && keys.length) delete out[r.pick(keys)];
  else if (op === 2) out[evilString(r).slice(0, 40) || "extra"] = evilValue(r);
  else if (op === 3 && keys.length) out[r.pick(keys)] = r.pick(EVIL_NUMBERS);
  else return evilValue(r);
  return out;
}
