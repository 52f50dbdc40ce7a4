import type { Logger, Registry } from "@valhalla/runtime";
import type { Hono } from "hono";
import { cors } from "hono/cors";
import { type IdempotencyOptions, idempotency } from "../http/idempotency.js";
import type { RouteGuard } from "../http/mount-routes.js";
import { requestLog } from "../http/request-log.js";
import { requestTimeout } from "../http/request-timeout.js";
import { apiKeyStore } from "./api-keys.js";
import { type AuthOptions, createAuth } from "./auth.js";
import { type RateLimitOptions, rateLimit } from "./rate-limit.js";
import { mountShareTokenRoutes } from "./share-token-routes.js";
import { shareTokenStore } from "./share-tokens.js";

/** Security and hardening options of `createHost`. @public */
export interface HardeningOptions {
  /** API-key authentication; on unless `{ disabled: true }`. @default {} */
  readonly auth?: AuthOptions;
  /** Per-caller rate limit in the shared store, or `false` to turn it off. @default { limit: 600, windowMs: 60000 } */
  readonly rateLimit?: RateLimitOptions | false;
  /** Origins allowed by CORS; none (CORS off) by default. */
  readonly cors?: { readonly origins: readonly string[] };
  /** Answer 504 and abort the request's signal after this long, in ms. @default 30000 */
  readonly timeoutMs?: number;
  /** Idempotency-Key handling on POST. */
  readonly idempotency?: IdempotencyOptions;
}

/** What `useSecurity` hands back to `createHost`. @internal */
export interface SecurityInstall {
  /** Checks each pack route's scope (and share-token reach); pass to `mountRoutes`. */
  readonly guard: RouteGuard;
  /** Register idempotency, the request timeout and the share-token routes: call right after the body limit. */
  afterBodyLimit(): void;
}

/**
 * Register request logging, CORS, authentication and rate limiting; call before the body limit so
 * refused callers never get their bodies read.
 * @internal
 */
export function useSecurity(
  app: Hono,
  deps: { registry: Registry; log: Logger; options: HardeningOptions },
): SecurityInstall {
  const { registry, log, options } = deps;
  const driver = registry.driver;
  app.use(requestLog(log));
  const origins = options.cors?.origins ?? [];
  if (origins.length > 0) {
    app.use(
      cors({
        origin: [...origins],
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
        exposeHeaders: ["ETag", "Location", "X-Request-Id", "Retry-After", "Idempotent-Replayed"],
        maxAge: 600,
      }),
    );
  }
  const shares = shareTokenStore(driver);
  const auth = createAuth({ registry, keys: apiKeyStore(driver), shares, options: options.auth ?? {}, log });
  if (options.auth?.disabled)
    log.warn("authentication is DISABLED: every route is open to anyone who can reach this host", {
      hint: "Remove auth.disabled / VALHALLA_AUTH=off before exposing the host",
    });
  app.use(auth.middleware);
  if (options.rateLimit !== false) app.use(rateLimit(driver, options.rateLimit ?? {}));
  return {
    guard: auth.guard,
    afterBodyLimit() {
      // Routes registered before these middlewares would bypass them (Hono runs handlers in order).
      app.use(idempotency(driver, log, options.idempotency));
      app.use(requestTimeout(options.timeoutMs ?? 30_000));
      mountShareTokenRoutes(app, registry, shares);
    },
  };
}
