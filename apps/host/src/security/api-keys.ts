import {
  bindCollection,
  type Collection,
  ConflictError,
  collection,
  createId,
  type Driver,
  PACK_CODE_PATTERN,
} from "@valhalla/runtime";
import * as v from "valibot";
import { hashSecret, makeSecret, sameHash, secretId } from "./secrets.js";

/** Storage namespace of API keys (hashes only; secrets are shown once). @public */
export const API_KEYS_NS = "_valhalla.api_keys";

/** Id of the admin key created on a fresh store by `valhalla serve`. @internal */
export const BOOTSTRAP_KEY_ID = "key_bootstrap";

const KeyRecord = v.object({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  scopes: v.array(v.string()),
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  revoked_at: v.nullable(v.string()),
});
const def = collection({ prefix: "key", schema: KeyRecord, indexes: [] });

/** An API key as listed (never with its secret or hash). @public */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/**
 * Check and normalize key scopes: `admin`, `<pack>:read`, `<pack>:write` (write implies read).
 * @throws TypeError naming the first invalid scope
 * @public
 */
export function parseScopes(input: readonly string[] | string): string[] {
  const list = (typeof input === "string" ? input.split(",") : [...input])
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new TypeError("At least one scope is required (admin, <pack>:read, <pack>:write)");
  for (const s of list) {
    const [pack, level, ...rest] = s.split(":");
    const ok =
      s === "admin" ||
      (rest.length === 0 &&
        pack !== undefined &&
        PACK_CODE_PATTERN.test(pack) &&
        (level === "read" || level === "write"));
    if (!ok) throw new TypeError(`Invalid scope '${s}', must be 'admin', '<pack>:read' or '<pack>:write'`);
  }
  return [...new Set(list)].sort();
}

/**
 * Whether `scopes` grant a route's scope on `pack`.
 * @public
 */
export function scopeAllows(
  scopes: readonly string[],
  pack: string,
  needed: "read" | "write" | "admin",
): boolean {
  if (scopes.includes("admin")) return true;
  if (needed === "admin") return false;
  if (needed === "read") return scopes.includes(`${pack}:read`) || scopes.includes(`${pack}:write`);
  return scopes.includes(`${pack}:write`);
}

/** The scope a caller lacks, as shown in 403 problems. @internal */
export function scopeName(pack: string, needed: "read" | "write" | "admin"): string {
  return needed === "admin" ? "admin" : `${pack}:${needed}`;
}

/** API keys over a driver: create (secret shown once), list, revoke, verify. @public */
export interface ApiKeyStore {
  create(input: {
    name: string;
    scopes: readonly string[] | string;
  }): Promise<{ key: ApiKeyInfo; secret: string }>;
  list(): Promise<ApiKeyInfo[]>;
  /** Revoke a key; `null` when there is no such key. Revoking twice keeps the first time. */
  revoke(id: string): Promise<ApiKeyInfo | null>;
  /** The live key a secret belongs to, or `null` (unknown, malformed, wrong secret, revoked). */
  verify(secret: string): Promise<ApiKeyInfo | null>;
  /**
   * The key a secret belongs to when {@link ApiKeyStore.verify} accepted it within `cacheMs`,
   * without touching storage; `undefined` when it has to be verified.
   */
  cached(secret: string): ApiKeyInfo | undefined;
  /**
   * On a store that never had a key, create one admin key and return its secret; otherwise `null`.
   * Replicas racing here create at most one key (insert-if-absent on a fixed id).
   */
  bootstrapAdmin(): Promise<string | null>;
}

type KeyRow = v.InferOutput<typeof KeyRecord>;

/** Options of {@link apiKeyStore}. @public */
export interface ApiKeyStoreOptions {
  /**
   * How long a verified key is trusted without reading the store again, in ms; 0 reads on every
   * request. A key revoked through any store over the same driver in this process stops working
   * at once; one revoked by another process (a replica, `valhalla keys revoke`) within this time.
   * @default 2000
   */
  readonly cacheMs?: number;
  /** Clock of the cache (tests). @default Date.now */
  readonly clock?: () => number;
}

/** Verified keys per driver, shared by every store over it so a revoke here is seen at once. */
const verified = new WeakMap<Driver, Map<string, { info: ApiKeyInfo; until: number }>>();
/** Distinct live secrets cached before the cache is emptied (bounds memory against key churn). */
const CACHE_MAX = 10_000;

/**
 * API keys stored hashed (SHA-256) in `_valhalla.api_keys`, compared in constant time.
 * @example
 * const keys = apiKeyStore(host.registry.driver);
 * const { secret } = await keys.create({ name: "ci", scopes: "holdings:read" });
 * @public
 */
export function apiKeyStore(driver: Driver, options: ApiKeyStoreOptions = {}): ApiKeyStore {
  const col = bindCollection(driver, API_KEYS_NS, def) as Collection<KeyRow>;
  const cacheMs = options.cacheMs ?? 2000;
  const clock = options.clock ?? Date.now;
  let cache = verified.get(driver);
  if (!cache) verified.set(driver, (cache = new Map()));
  const known = cache;
  const forget = (id: string) => {
    for (const [secret, hit] of known) if (hit.info.id === id) known.delete(secret);
  };
  const info = (r: KeyRow & { id: string; created_at: string }): ApiKeyInfo => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
  });
  const insert = async (id: string, name: string, scopes: string[]) => {
    const secret = makeSecret("vk", id);
    const rec = await col.create({ name, scopes, hash: hashSecret(secret), revoked_at: null }, { id });
    return { key: info(rec), secret };
  };
  return {
    async create({ name, scopes }) {
      const clean = name.trim();
      if (!clean || clean.length > 100) throw new TypeError("A key name of 1 to 100 characters is required");
      return insert(createId("key"), clean, parseScopes(scopes));
    },
    async list() {
      const out: ApiKeyInfo[] = [];
      for await (const r of col.iterate({ order: "asc" })) out.push(info(r));
      return out;
    },
    async revoke(id) {
      forget(id);
      if (!(await col.get(id))) return null;
      const rec = await col.update(id, (cur) => ({
        name: cur.name,
        scopes: cur.scopes,
        hash: cur.hash,
        revoked_at: cur.revoked_at ?? new Date().toISOString(),
      }));
      forget(id);
      return info(rec);
    },
    cached(secret) {
      const hit = known.get(secret);
      return hit && hit.until > clock() ? hit.info : undefined;
    },
    async verify(secret) {
      const hit = known.get(secret);
      if (hit && hit.until > clock()) return hit.info;
      const id = secretId("vk", "key", secret);
      if (!id) return null;
      const rec = await col.get(id);
      if (!rec || rec.revoked_at !== null || !sameHash(hashSecret(secret), rec.hash)) {
        known.delete(secret);
        return null;
      }
      const found = info(rec);
      if (cacheMs > 0) {
        if (known.size >= CACHE_MAX) known.clear();
        known.set(secret, { info: found, until: clock() + cacheMs });
      }
      return found;
    },
    async bootstrapAdmin() {
      if ((await col.count()) > 0) return null;
      try {
        return (await insert(BOOTSTRAP_KEY_ID, "bootstrap admin", ["admin"])).secret;
      } catch (err) {
        if (err instanceof ConflictError) return null;
        throw err;
      }
    },
  };
}
