import { createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";

/** SHA-256 of a secret, hex. Secrets carry 256 random bits, so a fast hash is enough (no KDF). @internal */
export function hashSecret(secret: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) is about twice as fast as a Hash object for short input.
  return typeof hash === "function"
    ? hash("sha256", secret, "hex")
    : createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compare two hex digests in constant time. @internal */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** `<prefix>_<recordId>_<43 base64url chars>`: the id finds the record, the rest is the secret. @internal */
export function makeSecret(prefix: string, id: string): string {
  return `${prefix}_${id}_${randomBytes(32).toString("base64url")}`;
}

/** Split a secret made by `makeSecret` into its record id; `null` when it has another shape. @internal */
export function secretId(prefix: string, idPrefix: string, secret: string): string | null {
  const key = `${prefix}|${idPrefix}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = new RegExp(`^${prefix}_(${idPrefix}_[A-Za-z0-9]{1,40})_[A-Za-z0-9_-]{43}$`);
    shapes.set(key, shape);
  }
  const m = shape.exec(secret);
  return m ? m[1]! : null;
}

/** Compiled secret shapes by prefix (a handful: keys, share tokens, sessions). */
const shapes = new Map<string, RegExp>();
