import { randomUUID } from "node:crypto";
import { merge } from "../../internal/merge.js";
import type {
  Driver,
  DriverCapabilities,
  IndexValues,
  Lease,
  ListQuery,
  StoredRecord,
  WriteRequest,
  WriteResult,
} from "../driver.js";

/** Options of the in-memory driver. @public */
export interface MemoryDriverOptions {
  /** Clock used for leases; tests pass a fake one. @default Date.now */
  readonly now?: () => number;
}

const DRIVER_NAME = "memory";

/** Memory is one process: locks are process-local, indexes native, nothing durable. @public */
export const memoryCapabilities: DriverCapabilities = { locks: "process", indexes: "native", durable: false };

interface Entry {
  record: StoredRecord;
  index: IndexValues;
}
interface LockRow {
  token: string | null;
  fence: number;
  expiresAt: number;
}

/**
 * A `Map`-backed driver for tests and throwaway hosts. Every operation completes synchronously
 * inside one call, so conditional writes are atomic within the process.
 *
 * @example
 * const host = await createHost({ packs, storage: memory() });
 * @public
 */
export default function memory(options: MemoryDriverOptions = {}): Driver {
  const clock = options.now ?? Date.now;
  const spaces = new Map<string, Map<string, Entry>>();
  const locks = new Map<string, LockRow>();
  const counters = new Map<string, { count: number; resetAt: number }>();
  // Lease key → fence → counted guarded writes under that grant.
  const tallies = new Map<string, Map<number, number>>();
  const tally = (guard: Lease | undefined, uncounted: boolean | undefined) => {
    if (!guard || uncounted) return;
    let t = tallies.get(guard.key);
    if (!t) tallies.set(guard.key, (t = new Map()));
    t.set(guard.fence, (t.get(guard.fence) ?? 0) + 1);
  };
  const space = (ns: string) => {
    let s = spaces.get(ns);
    if (!s) spaces.set(ns, (s = new Map()));
    return s;
  };
  const guardOk = (guard: Lease | undefined) => {
    if (!guard) return true;
    const row = locks.get(guard.key);
    return !!row && row.token === guard.token && row.fence === guard.fence && row.expiresAt > clock();
  };

  return {
    name: DRIVER_NAME,
    capabilities: memoryCapabilities,
    async init() {},
    async ping() {},
    async get(ns, id) {
      return spaces.get(ns)?.get(id)?.record ?? null;
    },
    async write(ns, req: WriteRequest): Promise<WriteResult> {
      if (!guardOk(req.guard)) return { ok: false, reason: "fenced" };
      const s = space(ns);
      const cur = s.get(req.record.id);
      const curRev = cur?.record.rev ?? 0;
      if (curRev !== req.expectRev) return { ok: false, reason: "conflict", currentRev: curRev };
      s.set(req.record.id, { record: req.record, index: { ...req.index } });
      tally(req.guard, req.uncounted);
      return { ok: true };
    },
    async writeMany(ns, reqs) {
      const s = space(ns);
      // Check every write against the store as it would be after the ones before it, then apply.
      const seen = new Map<string, number>();
      for (const [i, req] of reqs.entries()) {
        if (!guardOk(req.guard)) return { ok: false, reason: "fenced", failedAt: i };
        const curRev = seen.get(req.record.id) ?? s.get(req.record.id)?.record.rev ?? 0;
        if (curRev !== req.expectRev)
          return { ok: false, reason: "conflict", currentRev: curRev, failedAt: i };
        seen.set(req.record.id, req.record.rev);
      }
      for (const req of reqs) {
        s.set(req.record.id, { record: req.record, index: { ...req.index } });
        tally(req.guard, req.uncounted);
      }
      return { ok: true };
    },
    async remove(ns, id, expectRev, guard) {
      if (!guardOk(guard)) return { ok: false, reason: "fenced" };
      const s = spaces.get(ns);
      const cur = s?.get(id);
      if (!cur)
        return expectRev === undefined
          ? { ok: true, removed: false }
          : { ok: false, reason: "conflict", currentRev: 0 };
      if (expectRev !== undefined && cur.record.rev !== expectRev) {
        return { ok: false, reason: "conflict", currentRev: cur.record.rev };
      }
      s!.delete(id);
      tally(guard, false);
      return { ok: true, removed: true };
    },
    async list(ns, q: ListQuery) {
      return _select(spaces.get(ns), q.where)
        .filter((e) => !q.after || (q.order === "asc" ? e.record.id > q.after : e.record.id < q.after))
        .sort((a, b) => (a.record.id < b.record.id ? -1 : 1) * (q.order === "asc" ? 1 : -1))
        .slice(0, q.limit)
        .map((e) => e.record);
    },
    async count(ns, where) {
      return _select(spaces.get(ns), where).length;
    },
    async namespaces() {
      return [...spaces.entries()]
        .filter(([, s]) => s.size > 0)
        .map(([ns]) => ns)
        .sort();
    },
    async *scan(ns) {
      const entries = [...(spaces.get(ns)?.values() ?? [])].sort((a, b) =>
        a.record.id < b.record.id ? -1 : 1,
      );
      for (const e of entries) yield e.record;
    },
    async acquire(key, ttlMs) {
      const now = clock();
      const row = locks.get(key);
      if (row?.token && row.expiresAt > now) return null;
      const next: LockRow = { token: randomUUID(), fence: (row?.fence ?? 0) + 1, expiresAt: now + ttlMs };
      locks.set(key, next);
      tallies.get(key)?.delete(next.fence - 1000);
      return { key, token: next.token!, fence: next.fence, expiresAt: next.expiresAt };
    },
    async extend(lease, ttlMs) {
      const now = clock();
      const row = locks.get(lease.key);
      if (!row || row.token !== lease.token || row.expiresAt <= now) return null;
      row.expiresAt = now + ttlMs;
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
      const now = clock();
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
      return clock();
    },
    async close() {},
  };
}

function _select(s: Map<string, Entry> | undefined, where: IndexValues | undefined): Entry[] {
  if (!s) return [];
  const all = [...s.values()];
  if (!where) return all;
  const pairs = Object.entries(where);
  return all.filter((e) => pairs.every(([f, v]) => e.index[f] === v));
}
