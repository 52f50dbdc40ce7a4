import { type Driver, ProblemError } from "@valhalla/runtime";
import { RateLimitFigures, setRateLimit } from "../../http/envelope.js";
import { clientAddress } from "../../security/client-address.js";
import type { Exchange } from "../exchange.js";
import type { Stage } from "../stage.js";

/** Per-caller rate limit. @public */
export interface RateLimitOptions {
  /** Requests allowed per window and caller (API key, share token, or client address). @default 600 */
  readonly limit?: number;
  /** Window length in ms (fixed window, started by the first request). @default 60000 */
  readonly windowMs?: number;
}

type Window = { count: number; resetAt: number };
/** Count a call; in-process counters answer synchronously (no promise per request). */
type Counter = (key: string, windowMs: number) => Window | Promise<Window>;

/** Callers kept by the in-process counter before expired windows are swept. */
const SWEEP_AT = 10_000;

/**
 * Fixed-window counters in this process. Used when the driver's guarantees are per process anyway
 * (`capabilities.locks === "process"`: memory, the embedded SQLite store): a durable counter write
 * on every request would buy nothing there and cost more than the rest of a GET.
 * @internal
 */
export function processCounter(clock: () => number = Date.now): Counter & { size(): number } {
  const windows = new Map<string, Window>();
  const hit = (key: string, windowMs: number): Window => {
    const now = clock();
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      // Every distinct client address makes a key: drop finished windows so memory stays bounded.
      if (!w && windows.size >= SWEEP_AT)
        for (const [k, old] of windows) if (old.resetAt <= now) windows.delete(k);
      w = { count: 0, resetAt: now + windowMs };
      windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetAt: w.resetAt };
  };
  return Object.assign(hit, { size: () => windows.size });
}

/** The caller a budget belongs to: its key or share token, else its address. @internal */
export function callerKey(x: Exchange, trustProxy?: readonly string[]): string {
  const p = x.principal;
  if (p?.kind === "key") return `key:${p.id}`;
  if (p?.kind === "share") return `share:${p.id}`;
  return `ip:${clientAddress(x.c, trustProxy)}`;
}

/**
 * `rate-limit`: count the call and answer 429 with `Retry-After` past the limit; sets `RateLimit-*`
 * headers (draft-6). With a cluster store (`capabilities.locks === "cluster"`: Redis, Postgres)
 * the count is `driver.incr`, atomic in the store, so replicas share one budget; otherwise it is
 * kept in this process ({@link processCounter}), which is what such a store guarantees anyway.
 * @internal
 */
export function rateLimitStage(
  driver: Driver,
  options: RateLimitOptions = {},
  trustProxy?: readonly string[],
): Stage {
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError("[valhalla] [rate-limit] limit must be a positive integer");
  if (!Number.isInteger(windowMs) || windowMs < 1000)
    throw new TypeError("[valhalla] [rate-limit] windowMs must be an integer of at least 1000");
  const limitHeader = String(limit);
  const count: Counter =
    driver.capabilities.locks === "cluster" ? (key, ms) => driver.incr(key, ms) : processCounter();
  return {
    name: "rate-limit",
    async run(x, next) {
      const counted = count(`rl:${callerKey(x, trustProxy)}`, windowMs);
      const { count: n, resetAt } = counted instanceof Promise ? await counted : counted;
      const resetS = String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)));
      const remaining = String(Math.max(0, limit - n));
      if (n > limit) {
        throw new ProblemError(
          429,
          "rate-limited",
          `More than ${limit} requests in ${windowMs / 1000} s; retry after ${resetS} s`,
          {},
          {
            "ratelimit-limit": limitHeader,
            "ratelimit-remaining": remaining,
            "ratelimit-reset": resetS,
            "retry-after": resetS,
          },
        );
      }
      setRateLimit(x.c, new RateLimitFigures(limitHeader, remaining, resetS));
      return next(x);
    },
  };
}
