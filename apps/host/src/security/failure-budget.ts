/**
 * Failed authentications per client address in a fixed window, kept in this process: a brute-force
 * throttle needs no shared store, and checking it costs no storage read. @internal
 */
export interface FailureBudget {
  /** Seconds until `address` may try again; 0 while it is within its budget. */
  blockedFor(address: string): number;
  /** Count one failed attempt of `address`. */
  fail(address: string): void;
}

/** Addresses kept before finished windows are swept. */
const SWEEP_AT = 10_000;

/** A {@link FailureBudget} of `limit` failures per `windowMs`. @internal */
export function failureBudget(
  limit: number,
  windowMs: number,
  clock: () => number = Date.now,
): FailureBudget {
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError("[valhalla] [auth] failures.limit must be a positive integer");
  if (!Number.isInteger(windowMs) || windowMs < 1000)
    throw new TypeError("[valhalla] [auth] failures.windowMs must be an integer of at least 1000");
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    blockedFor(address) {
      const w = windows.get(address);
      const now = clock();
      if (!w || w.resetAt <= now || w.count < limit) return 0;
      return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    },
    fail(address) {
      const now = clock();
      let w = windows.get(address);
      if (!w || w.resetAt <= now) {
        if (!w && windows.size >= SWEEP_AT)
          for (const [k, old] of windows) if (old.resetAt <= now) windows.delete(k);
        w = { count: 0, resetAt: now + windowMs };
        windows.set(address, w);
      }
      w.count++;
    },
  };
}
