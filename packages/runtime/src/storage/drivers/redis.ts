import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Redis as RedisClient } from "ioredis";
import { createError } from "../../errors/create-error.js";
import { merge } from "../../internal/merge.js";
import type { Driver, DriverCapabilities, Lease, StoredRecord, WriteResult } from "../driver.js";
import * as lua from "./redis-scripts.js";

/** Options of the Redis driver. @public */
export interface RedisDriverOptions {
  /** `redis://[user:pass@]host:port/db` or `rediss://…` for TLS. */
  readonly url: string;
  /** Prefix of every key, so several hosts (or test runs) share one database. @default "v:" */
  readonly prefix?: string;
  /**
   * Extra ioredis options (any `RedisOptions` field). Typed structurally so the runtime's public
   * types never import `ioredis`, an optional peer a consumer may not have installed.
   * @default { maxRetriesPerRequest: 3, connectTimeout: 2000 }
   */
  readonly redis?: { readonly [option: string]: unknown };
}

const DRIVER_NAME = "redis";

/**
 * Redis gives locks across every process that shares the server, native indexes (sorted sets) and
 * durability as configured on the server (AOF with `appendfsync always` for crash safety).
 * @public
 */
export const redisCapabilities: DriverCapabilities = { locks: "cluster", indexes: "native", durable: true };

type Scripted = RedisClient & {
  vWrite(...args: (string | number)[]): Promise<[number, string?, number?]>;
  vRemove(...args: (string | number)[]): Promise<[number, (string | number)?, number?]>;
  vList(...args: (string | number)[]): Promise<string[] | [number]>;
  vAcquire(...args: (string | number)[]): Promise<[number, number?]>;
  vLeaseWrites(...args: (string | number)[]): Promise<[number, number]>;
  vExtend(...args: (string | number)[]): Promise<number>;
  vRelease(...args: (string | number)[]): Promise<number>;
  vIncr(...args: (string | number)[]): Promise<[number, number]>;
  vTime(): Promise<number>;
};

/**
 * Redis through ioredis 5.x. Conditional writes, index maintenance, fencing checks, locks and
 * counters are Lua scripts (atomic on the server, never `WATCH`); records are the JSON text the
 * runtime serialized; each index is a sorted set of ids so listing pages with `ZRANGEBYLEX`.
 *
 * @example
 * const host = await createHost({ packs, storage: redis({ url: "redis://127.0.0.1:6379/0" }) });
 * @public
 */
export default function redis(options: RedisDriverOptions): Driver {
  const prefix = options.prefix ?? "v:";
  let client: Scripted | undefined;
  const nsPrefix = (ns: string) => `${prefix}n${ns.length}:${ns}:`;
  const lockKey = (key: string) => `${prefix}lock:${key}`;
  const fenceKey = (key: string) => `${prefix}fence:${key}`;
  const writesKey = (key: string) => `${prefix}writes:${key}`;
  const nsSet = `${prefix}namespaces`;

  const connect = (): Scripted => {
    if (client) return client;
    let Redis: typeof import("ioredis").Redis;
    try {
      Redis = createRequire(import.meta.url)("ioredis").Redis;
    } catch (cause) {
      throw createError(DRIVER_NAME, "Install `ioredis@5` to use redis:// storage.", { cause });
    }
    // Bounded: with the server gone a command fails after a short connect timeout and a few
    // retries (the host answers 503) instead of queueing until it returns.
    const c = new Redis(options.url, {
      maxRetriesPerRequest: 3,
      connectTimeout: 2000,
      lazyConnect: false,
      ...options.redis,
    });
    // Connection errors reach callers through the failed commands (the host answers 503); without a
    // listener ioredis would also print each reconnect attempt to stderr.
    c.on("error", () => {});
    const define = (name: string, numberOfKeys: number, lua: string) =>
      c.defineCommand(name, { numberOfKeys, lua });
    define("vWrite", 6, lua.WRITE);
    define("vRemove", 6, lua.REMOVE);
    define("vList", 0, lua.LIST);
    define("vAcquire", 3, lua.ACQUIRE);
    define("vLeaseWrites", 2, lua.LEASE_WRITES);
    define("vExtend", 1, lua.EXTEND);
    define("vRelease", 1, lua.RELEASE);
    define("vIncr", 1, lua.INCR);
    define("vTime", 0, lua.TIME);
    client = c as Scripted;
    return client;
  };
  const guardArgs = (guard: Lease | undefined) => [guard?.token ?? "", guard?.fence ?? 0];
  const recordKeys = (ns: string, id: string, guard: Lease | undefined) => [
    `${nsPrefix(ns)}r:${id}`,
    `${nsPrefix(ns)}all`,
    nsSet,
    lockKey(guard?.key ?? ""),
    fenceKey(guard?.key ?? ""),
    writesKey(guard?.key ?? ""),
  ];
  const toRecords = (flat: string[]): StoredRecord[] => {
    const out: StoredRecord[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3)
      out.push({ id: flat[i]!, rev: Number(flat[i + 1]), value: flat[i + 2]! });
    return out;
  };
  const failure = (res: (string | number | undefined)[]): WriteResult =>
    res[1] === "fenced"
      ? { ok: false, reason: "fenced" }
      : { ok: false, reason: "conflict", currentRev: Number(res[2] ?? 0) };

  return {
    name: DRIVER_NAME,
    capabilities: redisCapabilities,
    async init() {
      await connect().ping();
    },
    async ping() {
      await connect().ping();
    },
    async get(ns, id) {
      const [rev, value] = await connect().hmget(`${nsPrefix(ns)}r:${id}`, "rev", "value");
      return rev == null || value == null ? null : { id, rev: Number(rev), value };
    },
    async write(ns, req) {
      const res = await connect().vWrite(
        ...recordKeys(ns, req.record.id, req.guard),
        ns,
        nsPrefix(ns),
        req.record.id,
        req.record.rev,
        req.record.value,
        JSON.stringify(req.index),
        req.expectRev,
        ...guardArgs(req.guard),
        req.uncounted ? "0" : "1",
      );
      return res[0] === 1 ? { ok: true } : failure(res);
    },
    async remove(ns, id, expectRev, guard) {
      const res = await connect().vRemove(
        ...recordKeys(ns, id, guard),
        ns,
        nsPrefix(ns),
        id,
        expectRev === undefined ? "" : expectRev,
        ...guardArgs(guard),
      );
      return res[0] === 1 ? { ok: true, removed: res[1] === 1 } : failure(res);
    },
    async list(ns, q) {
      const where = q.where && Object.keys(q.where).length ? JSON.stringify(q.where) : "";
      const flat = await connect().vList(nsPrefix(ns), where, q.order, q.after ?? "", q.limit);
      return toRecords(flat as string[]);
    },
    async count(ns, where) {
      const w = where && Object.keys(where).length ? JSON.stringify(where) : "";
      const [n] = (await connect().vList(nsPrefix(ns), w, "asc", "", -1)) as [number];
      return Number(n);
    },
    async namespaces() {
      return connect().zrange(nsSet, 0, -1);
    },
    async *scan(ns) {
      let after = "";
      for (;;) {
        const page = toRecords((await connect().vList(nsPrefix(ns), "", "asc", after, 500)) as string[]);
        if (page.length === 0) return;
        yield* page;
        after = page[page.length - 1]!.id;
      }
    },
    async acquire(key, ttlMs) {
      const token = randomUUID();
      const [fence, expiresAt] = await connect().vAcquire(
        lockKey(key),
        fenceKey(key),
        writesKey(key),
        token,
        ttlMs,
      );
      return fence ? { key, token, fence: Number(fence), expiresAt: Number(expiresAt) } : null;
    },
    async extend(lease, ttlMs) {
      const expiresAt = Number(await connect().vExtend(lockKey(lease.key), lease.token, ttlMs));
      return expiresAt ? merge(lease, { expiresAt }) : null;
    },
    async release(lease) {
      return (await connect().vRelease(lockKey(lease.key), lease.token)) === 1;
    },
    async leaseWrites(key, fence) {
      const [current, writes] = await connect().vLeaseWrites(fenceKey(key), writesKey(key), fence);
      return { currentFence: Number(current), writes: Number(writes) };
    },
    async incr(key, windowMs) {
      const [count, resetAt] = await connect().vIncr(`${prefix}ctr:${key}`, windowMs);
      return { count: Number(count), resetAt: Number(resetAt) };
    },
    async now() {
      return Number(await connect().vTime());
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await c.quit().catch(() => c.disconnect());
    },
  };
}
