import type { Driver, ListQuery, WriteRequest } from "../storage/driver.js";

/** One `list` call a {@link RecordingDriver} saw return: the query as passed and how many rows came back. @public */
export interface RecordedListing {
  readonly query: ListQuery;
  readonly rows: number;
}

/** Options of {@link recordingDriver}. @public */
export interface RecordingDriverOptions {
  /**
   * Make `close()` a no-op that leaves `inner` open: for a store shared by several hosts (or a
   * restarted one) in one test, since a host closes the driver it was given. The test then closes
   * `inner` itself. @default false
   */
  readonly keepOpen?: boolean;
}

/**
 * A driver that passes every call through to the one it wraps, and remembers where writes landed,
 * which lock keys were taken, and every listing. @public
 */
export interface RecordingDriver extends Driver {
  /** Namespaces written to (`write`, `writeMany`, `remove`) since the last reset. */
  readonly written: Set<string>;
  /** Lock keys passed to `acquire` since the last reset. */
  readonly locked: Set<string>;
  /**
   * Writes to `ns` since the last reset: one per `write` and `remove` call and one per request of a
   * `writeMany` batch, counted when called, whether or not they commit.
   */
  writes(ns: string): number;
  /** The listings of `ns` that returned since the last reset, in the order they returned. */
  listings(ns: string): readonly RecordedListing[];
  /** Forget everything recorded so far: `written`, `locked`, the write counts and the listings. */
  reset(): void;
}

/**
 * Wrap a storage driver so a test can see what reached it: which namespaces were written (and how
 * many times), which locks were taken, and each listing's query and row count, e.g. to prove a
 * read went through an index instead of listing the whole namespace. Every call, its arguments and
 * its result pass through unchanged; `writeMany` and `leaseWrites` exist only when `inner` has them.
 *
 * @param inner - the driver to wrap (initialize it, or the wrapper, before use)
 * @param options.keepOpen - leave `inner` open on `close()` @default false
 * @example
 * const driver = recordingDriver(memory());
 * const host = await myHost({ storage: driver });
 * driver.reset();
 * await host.call("GET", "/orders/summary");
 * // No listing of orders bypassed the `placed_on` index.
 * expect(driver.listings("orders.orders").filter((l) => !l.query.where?.placed_on)).toEqual([]);
 * expect(driver.writes("orders.totals")).toBe(0);
 * @public
 */
export function recordingDriver(inner: Driver, options: RecordingDriverOptions = {}): RecordingDriver {
  const written = new Set<string>();
  const locked = new Set<string>();
  const writeCounts = new Map<string, number>();
  const lists = new Map<string, RecordedListing[]>();
  const wrote = (ns: string, n: number) => {
    written.add(ns);
    writeCounts.set(ns, (writeCounts.get(ns) ?? 0) + n);
  };
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    written,
    locked,
    writes: (ns) => writeCounts.get(ns) ?? 0,
    listings: (ns) => [...(lists.get(ns) ?? [])],
    reset: () => {
      written.clear();
      locked.clear();
      writeCounts.clear();
      lists.clear();
    },
    init: () => inner.init(),
    ping: () => inner.ping(),
    get: (ns, id) => inner.get(ns, id),
    write: (ns, req) => {
      wrote(ns, 1);
      return inner.write(ns, req);
    },
    ...(inner.writeMany
      ? {
          writeMany: (ns: string, reqs: readonly WriteRequest[]) => {
            wrote(ns, reqs.length);
            return inner.writeMany!(ns, reqs);
          },
        }
      : {}),
    remove: (ns, id, rev, guard) => {
      wrote(ns, 1);
      return inner.remove(ns, id, rev, guard);
    },
    list: async (ns, q) => {
      const rows = await inner.list(ns, q);
      let seen = lists.get(ns);
      if (!seen) lists.set(ns, (seen = []));
      seen.push({ query: q, rows: rows.length });
      return rows;
    },
    count: (ns, where) => inner.count(ns, where),
    namespaces: () => inner.namespaces(),
    scan: (ns) => inner.scan(ns),
    acquire: (key, ttl) => {
      locked.add(key);
      return inner.acquire(key, ttl);
    },
    extend: (lease, ttl) => inner.extend(lease, ttl),
    release: (lease) => inner.release(lease),
    ...(inner.leaseWrites
      ? { leaseWrites: (key: string, fence: number) => inner.leaseWrites!(key, fence) }
      : {}),
    incr: (key, windowMs) => inner.incr(key, windowMs),
    now: () => inner.now(),
    close: () => (options.keepOpen ? Promise.resolve() : inner.close()),
  };
}
