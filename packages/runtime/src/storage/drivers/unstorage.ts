import { randomUUID } from "node:crypto";
import { merge } from "../../internal/merge.js";
import type { Driver, DriverCapabilities, IndexValues, Lease, StoredRecord, WriteResult } from "../driver.js";

/**
 * The part of an unstorage `Storage` the adapter uses; any `createStorage(…)` result fits. Declared
 * here so the runtime's public types never import `unstorage`, an optional peer.
 * @public
 */
export interface UnstorageLike {
  getItemRaw<T = unknown>(key: string): Promise<T | null>;
  setItemRaw(key: string, value: unknown): Promise<void>;
  hasItem(key: string): Promise<boolean>;
  removeItem(key: string): Promise<void>;
  getKeys(base?: string): Promise<string[]>;
  dispose(): Promise<void>;
}

/** Options of the unstorage adapter. @public */
export interface UnstorageDriverOptions {
  /** Any unstorage `Storage` (`createStorage({ driver: fsDriver(…) })`). */
  readonly storage: UnstorageLike;
  /** Name shown in the registry report. @default "unstorage" */
  readonly name?: string;
}

/**
 * A plain key/value store offers no compare-and-set, so this adapter serializes writes inside the
 * process (locks `process`) and lists by reading every key of the namespace (indexes `scan`, which
 * the registry reports as `W_INDEX_SCAN`). Durability is whatever the wrapped driver gives.
 * @public
 */
export const unstorageCapabilities: DriverCapabilities = {
  locks: "process",
  indexes: "scan",
  durable: false,
};

interface Envelope {
  rev: number;
  value: string;
  index: IndexValues;
}

/**
 * Adapt any unstorage `Storage` to the runtime's `Driver`, for backends the runtime has no native
 * driver for. Values go through `getItemRaw`/`setItemRaw` as our own JSON text, so unstorage's
 * `destr` never turns the string `"123"` into a number. Ids are validated before they get here, so
 * unstorage's key normalization (`/` → `:`, dropping after `?`) cannot merge two ids.
 *
 * @example
 * const driver = unstorageDriver({ storage: createStorage({ driver: memoryDriver() }) });
 * @public
 */
export default function unstorageDriver(options: UnstorageDriverOptions): Driver {
  const { storage } = options;
  const locks = new Map<string, { token: string | null; fence: number; expiresAt: number }>();
  const counters = new Map<string, { count: number; resetAt: number }>();
  // Lease key → fence → counted guarded writes. Bumped in the same serialized step as the write,
  // as exact as this adapter's guard check itself (both are in-process only).
  const tallies = new Map<string, Map<number, number>>();
  const tally = (guard: Lease | undefined) => {
    if (!guard) return;
    let t = tallies.get(guard.key);
    if (!t) tallies.set(guard.key, (t = new Map()));
    t.set(guard.fence, (t.get(guard.fence) ?? 0) + 1);
  };
  // One write at a time: the read-check-write of a conditional write must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };
  // Namespaces may hold `.` or `:`, which unstorage treats as separators: store them hex-encoded.
  const base = (ns: string) => `r:${Buffer.from(ns, "utf8").toString("hex")}`;
  const key = (ns: string, id: string) => `${base(ns)}:${id}`;
  const read = async (ns: string, id: string): Promise<Envelope | null> => {
    const raw = await storage.getItemRaw<string>(key(ns, id));
    return typeof raw === "string" ? (JSON.parse(raw) as Envelope) : null;
  };
  const all = async (ns: string): Promise<(Envelope & { id: string })[]> => {
    const prefix = `${base(ns)}:`;
    const keys = (await storage.getKeys(base(ns))).filter((k) => k.startsWith(prefix));
    const out: (Envelope & { id: string })[] = [];
    for (const k of keys) {
      const id = k.slice(prefix.length);
      const env = await read(ns, id);
      if (env) out.push({ ...env, id });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };
  const matches = (e: Envelope, where: IndexValues | undefined) =>
    !where || Object.entries(where).every(([f, v]) => e.index[f] === v);
  const guardOk = (guard: Lease | undefined) => {
    if (!guard) return true;
    const row = locks.get(guard.key);
    return !!row && row.token === guard.token && row.fence === guard.fence && row.expiresAt > Date.now();
  };
  const toRecord = (e: Envelope & { id: string }): StoredRecord => ({ id: e.id, rev: e.rev, value: e.value });

  return {
    name: options.name ?? "unstorage",
    capabilities: unstorageCapabilities,
    async init() {},
    async ping() {
      await storage.hasItem("ping");
    },
    async get(ns, id) {
      const env = await read(ns, id);
      return env ? { id, rev: env.rev, value: env.value } : null;
    },
    write(ns, req) {
      return serial(async (): Promise<WriteResult> => {
        if (!guardOk(req.guard)) return { ok: false, reason: "fenced" };
        const cur = (await read(ns, req.record.id))?.rev ?? 0;
        if (cur !== req.expectRev) return { ok: false, reason: "conflict", currentRev: cur };
        const env: Envelope = { rev: req.record.rev, value: req.record.value, index: req.index };
        await storage.setItemRaw(key(ns, req.record.id), JSON.stringify(env));
        if (!req.uncounted) tally(req.guard);
        return { ok: true };
      });
    },
    remove(ns, id, expectRev, guard) {
      return serial(async () => {
        if (!guardOk(guard)) return { ok: false, reason: "fenced" } as const;
        const cur = (await read(ns, id))?.rev ?? 0;
        if (expectRev !== undefined && cur !== expectRev) {
          return { ok: false, reason: "conflict", currentRev: cur } as const;
        }
        if (cur === 0) return { ok: true, removed: false } as const;
        await storage.removeItem(key(ns, id));
        tally(guard);
        return { ok: true, removed: true } as const;
      });
    },
    async list(ns, q) {
      const rows = (await all(ns)).filter(
        (e) => matches(e, q.where) && (!q.after || (q.order === "asc" ? e.id > q.after : e.id < q.after)),
      );
      if (q.order === "desc") rows.reverse();
      return rows.slice(0, q.limit).map(toRecord);
    },
    async count(ns, where) {
      return (await all(ns)).filter((e) => matches(e, where)).length;
    },
    async namespaces() {
      const found = new Set<string>();
      for (const k of await storage.getKeys("r")) {
        const hex = k.split(":")[1];
        if (hex) found.add(Buffer.from(hex, "hex").toString("utf8"));
      }
      return [...found].sort();
    },
    async *scan(ns) {
      for (const e of await all(ns)) yield toRecord(e);
    },
    async acquire(key, ttlMs) {
      const now = Date.now();
      const row = locks.get(key);
      if (row?.token && row.expiresAt > now) return null;
      const next = { token: randomUUID(), fence: (row?.fence ?? 0) + 1, expiresAt: now + ttlMs };
      locks.set(key, next);
      tallies.get(key)?.delete(next.fence - 1000);
      return { key, token: next.token, fence: next.fence, expiresAt: next.expiresAt };
    },
    async extend(lease, ttlMs) {
      const row = locks.get(lease.key);
      if (!row || row.token !== lease.token || row.expiresAt <= Date.now()) return null;
      row.expiresAt = Date.now() + ttlMs;
      return merge(lease, { expiresAt: row.expiresAt });
    },
    async release(lease) {
      const row = locks.get(lease.key);
      if (!row || row.token !== lease.token) return false;
      row.token = null;
      row.expiresAt = 0;
      return true;
    },
    async leaseWrites(key, fence) {
      return { currentFence: locks.get(key)?.fence ?? 0, writes: tallies.get(key)?.get(fence) ?? 0 };
    },
    async incr(key, windowMs) {
      const now = Date.now();
      const w = counters.get(key);
      if (!w || w.resetAt <= now) {
        const fresh = { count: 1, resetAt: now + windowMs };
        counters.set(key, fresh);
        return { ...fresh };
      }
      w.count++;
      return { ...w };
    },
    async now() {
      return Date.now();
    },
    async close() {
      await storage.dispose();
    },
  };
}
