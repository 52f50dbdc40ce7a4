import { type Driver, ProblemError } from "@valhalla/runtime";
import type { MiddlewareHandler } from "hono";
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

/**
 * Count every request in the store (`driver.incr`, atomic on every driver, so replicas share one
 * budget) and answer 429 with `Retry-After` past the limit. Sets `RateLimit-*` headers (draft-6).
 * @internal
 */
export function rateLimit(driver: Driver, options: RateLimitOptions = {}): MiddlewareHandler {
  const limit = options.limit ?? 600;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError("[valhalla] [rate-limit] limit must be a positive integer");
  if (!Number.isInteger(windowMs) || windowMs < 1000)
    throw new TypeError("[valhalla] [rate-limit] windowMs must be an integer of at least 1000");
  return async (c, next) => {
    if (EXEMPT.has(c.req.path) || c.req.method === "OPTIONS") return next();
    const { count, resetAt } = await driver.incr(`rl:${principalKey(c)}`, windowMs);
    const resetS = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    const headers = {
      "ratelimit-limit": String(limit),
      "ratelimit-remaining": String(Math.max(0, limit - count)),
      "ratelimit-reset": String(resetS),
    };
    if (count > limit) {
      throw new ProblemError(
        429,
        "rate-limited",
        `More than ${limit} requests in ${windowMs / 1000} s; retry after ${resetS} s`,
        {},
        { ...headers, "retry-after": String(resetS) },
      );
    }
    await next();
    for (const [k, val] of Object.entries(headers)) c.res.headers.set(k, val);
  };
}
