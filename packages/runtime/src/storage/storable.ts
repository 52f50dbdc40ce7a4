import { InvalidValueError } from "../errors/storage-errors.js";

/** Deepest JSON nesting accepted anywhere (request bodies and stored values alike). @public */
export const MAX_JSON_DEPTH = 32;

/**
 * Reject values that some driver cannot store faithfully, so every driver answers alike:
 * NUL (Postgres rejects it in text/jsonb), lone surrogates (not valid UTF-8), non-finite numbers,
 * unsafe integers (they would silently change), `__proto__` keys and nesting past 32.
 * @throws InvalidValueError naming the offending path
 * @public
 */
export function assertStorable(value: unknown, path = "", depth = 0): void {
  // Every write checks its whole record: walk it without building paths, and only when something is
  // wrong walk again, naming where.
  if (storable(value, depth)) return;
  explain(value, path, depth);
  throw new InvalidValueError(path, `'${path}' cannot be stored`); // unreachable while both agree
}

/** The check of {@link assertStorable}, allocation-free. */
function storable(value: unknown, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  switch (typeof value) {
    case "string":
      return !value.includes("\u0000") && value.isWellFormed();
    case "number":
      return Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value));
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!storable(value[i], depth + 1)) return false;
        return true;
      }
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (k === "__proto__" || k.includes("\u0000") || !k.isWellFormed()) return false;
        if (!storable((value as Record<string, unknown>)[k], depth + 1)) return false;
      }
      return true;
    }
    case "boolean":
    case "undefined":
      return true;
    default:
      return false;
  }
}

/** Throw for the first value {@link storable} refuses, naming its path. */
function explain(value: unknown, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH)
    throw new InvalidValueError(path, `Value nested deeper than ${MAX_JSON_DEPTH} at '${path}'`);
  switch (typeof value) {
    case "string":
      if (value.includes("\u0000")) throw new InvalidValueError(path, `'${path}' contains a NUL character`);
      if (!value.isWellFormed()) throw new InvalidValueError(path, `'${path}' contains a lone surrogate`);
      return;
    case "number":
      if (!Number.isFinite(value)) throw new InvalidValueError(path, `'${path}' is not a finite number`);
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw new InvalidValueError(path, `'${path}' is an integer beyond 2^53; send it as a string`);
      }
      return;
    case "object":
      if (value === null) return;
      if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) explain(item, `${path}[${i}]`, depth + 1);
        return;
      }
      for (const [k, item] of Object.entries(value)) {
        if (k === "__proto__" || k.includes("\u0000") || !k.isWellFormed()) {
          throw new InvalidValueError(`${path}.${k}`, `Key '${k}' is not allowed`);
        }
        explain(item, path ? `${path}.${k}` : k, depth + 1);
      }
      return;
    case "boolean":
    case "undefined":
      return;
    default:
      throw new InvalidValueError(path, `'${path}' has a type JSON cannot hold`);
  }
}
