import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastTime = 0;
let lastRandom: number[] = [];

/**
 * A ULID (Crockford base32, 26 chars) that sorts by creation time and is monotonic within a
 * millisecond in this process, so cursor pagination by id is creation order.
 * @internal
 */
export function ulid(now: number = Date.now()): string {
  if (now <= lastTime) {
    // Same (or earlier, after a clock step) millisecond: increment the random part to stay monotonic.
    now = lastTime;
    let i = lastRandom.length - 1;
    while (i >= 0 && lastRandom[i] === 31) {
      lastRandom[i] = 0;
      i--;
    }
    if (i >= 0) lastRandom[i] = (lastRandom[i] ?? 0) + 1;
  } else {
    lastTime = now;
    const bytes = randomBytes(16);
    lastRandom = Array.from({ length: 16 }, (_, k) => (bytes[k] ?? 0) % 32);
    lastRandom[0] = (lastRandom[0] ?? 0) % 16; // leave headroom so increments never overflow
  }
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + lastRandom.map((r) => ALPHABET[r]).join("");
}

/** Accepted shape of a record id: `<prefix>_<26 base32>` or any safe token (imports, tests). */
export const ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Make a prefixed id such as `asset_01JD…`.
 * @example createId("asset") // "asset_01JDZ4…"
 * @public
 */
export function createId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/** Whether `id` may become a storage key (no `/`, `?`, `:`, `..`, control chars). @public */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
