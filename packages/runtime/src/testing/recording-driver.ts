import type { Driver } from "../storage/driver.js";

/** A driver wrapper that remembers which namespaces were written and which lock keys were taken. @internal */
export interface RecordingDriver extends Driver {
  readonly written: Set<string>;
  readonly locked: Set<string>;
}

/** Wrap `inner` so the pack suite can see where a pack's writes land. @internal */
export function recordingDriver(inner: Driver): RecordingDriver {
  const written = new Set<string>();
  const locked = new Set<string>();
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    written,
    locked,
    init: () => inner.init(),
    ping: () => inner.ping(),
    get: (ns, id) => inner.get(ns, id),
    write: (ns, req) => {
      written.add(ns);
      return inner.write(ns, req);
    },
    ...(inner.writeMany
      ? {
          writeMany: (ns: string, reqs: Parameters<NonNullable<Driver["writeMany"]>>[1]) => {
            written.add(ns);
            return inner.writeMany!(ns, reqs);
          },
        }
      : {}),
    remove: (ns, id, rev, guard) => {
      written.add(ns);
      return inner.remove(ns, id, rev, guard);
    },
    list: (ns, q) => inner.list(ns, q),
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
    close: () => inner.close(),
  };
}
