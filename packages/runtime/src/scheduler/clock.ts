/**
 * The scheduler's notion of time, injectable so tests drive it instead of waiting.
 * @module
 */

/** Opaque handle of a pending timer. @public */
export type TimerHandle = unknown;

/** Local clock and timers used to fire slots; the store's clock (`driver.now()`) stamps records. @public */
export interface SchedulerClock {
  /** Milliseconds since epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and Node timers (unref'd so a scheduler never keeps a process alive). @public */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A clock that only moves when told to. @public */
export interface ManualClock extends SchedulerClock {
  /**
   * Move time forward by `ms`, firing every timer that falls due in order, and let the async work
   * each timer starts settle before moving on.
   */
  advance(ms: number): Promise<void>;
  /** Move time forward without firing anything, as if the process had been paused. */
  jump(ms: number): void;
  /** Let pending promise chains run without moving time. */
  flush(): Promise<void>;
  /** How many timers are pending. */
  pending(): number;
}

/**
 * A controllable clock for tests: timers fire only inside `advance`, at their exact due time.
 *
 * @example
 * const clock = manualClock(Date.parse("2026-03-28T00:00:00Z"));
 * const scheduler = createScheduler({ registry, driver: memory({ now: clock.now }), clock, ... });
 * await clock.advance(60_000);
 * @public
 */
export function manualClock(start: number): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  // Real macrotask turns, so chains of awaits on the driver (which resolve as microtasks or, for
  // SQLite, synchronously) complete before the next timer fires.
  const flush = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    pending: () => timers.size,
    jump(ms) {
      now += ms;
    },
    flush,
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        let nextId: number | undefined;
        let nextAt = Number.POSITIVE_INFINITY;
        for (const [id, t] of timers) {
          if (t.at <= target && (t.at < nextAt || (t.at === nextAt && id < (nextId ?? 0)))) {
            nextAt = t.at;
            nextId = id;
          }
        }
        if (nextId === undefined) break;
        const t = timers.get(nextId)!;
        timers.delete(nextId);
        now = Math.max(now, t.at);
        t.fn();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}
