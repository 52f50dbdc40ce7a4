import { type Driver, ProblemError } from "@valhalla/runtime";
import type { MiddlewareHandler } from "hono";
import { addResponseHeader } from "../http/envelope.js";
import { principalKey } from "./principal.js";

/** Per-caller rate limit. @public */
export interface RateLimitOptions {
  /** Requests allowed per window and caller (API key, share token, or client address). @default 600 */
  readonly limit?: number;
  /** Window length in ms (fixed window, started by the first request). @default 60000 */
  readonly windowMs?: number;
}

// Probes must never be throttled: an orchestrator would restart a healthy replica.
const EXEMPT = new Set(["/healthz", "/readyz"]);

type Counter = (key: string, windowMs: number) => Promise<{ count: number; resetAt: number }>;

/** Callers kept by the in-process counter before expired windows are swept. */
const SWEEP_AT = 10_000;

/**
 * Fixed-window counters in this process. Used when the driver's guarantees are per process anyway
 * (`capabilities.locks === "process"`: memory, the embedded SQLite store): a durable counter write
 * on every request would buy nothing there and cost more than the rest of a GET.
 * @internal
 */
export function processCounter(clock: () => number = Date.now): Counter & { size(): number } {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const hit: Counter = async (key, windowMs) => {
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

/**
 * Count every request and answer 429 with `Retry-After` past the limit; sets `RateLimit-*`
 * headers (draft-6). With a cluster store (`capabilities.locks === "cluster"`: Redis, Postgres)
 * the count is `driver.incr`, atomic in the store, so replicas share one budget; otherwise it is
 * kept in this process ({@link processCounter}), which is what such a store guarantees anyway.
 * @internal
 */
export function rateLimit(driver: Driver, options: RateLimitOptions = {}): MiddlewareHandler {
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError("[valhalla] [rate-limit] limit must be a positive integer");
  if (!Number.isInteger(windowMs) || windowMs < 1000)
    throw new TypeError("[valhalla] [rate-limit] windowMs must be an integer of at least 1000");
  const limitHeader = String(limit);
  const count: Counter =
    driver.capabilities.locks === "cluster" ? (key, ms) => driver.incr(key, ms) : processCounter();
  return async (c, next) => {
    if (EXEMPT.has(c.req.path) || c.req.method === "OPTIONS") return next();
    const { count: n, resetAt } = await count(`rl:${principalKey(c)}`, windowMs);
    const resetS = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
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
          "ratelimit-reset": String(resetS),
          "retry-after": String(resetS),
        },
      );
    }
    addResponseHeader(c, "ratelimit-limit", limitHeader);
    addResponseHeader(c, "ratelimit-remaining", remaining);
    addResponseHeader(c, "ratelimit-reset", String(resetS));
    return next();
  };
}
