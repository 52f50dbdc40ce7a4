import type { Driver, Logger, Registry, RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import type { AuditLog } from "../ops/audit-log.js";
import type { Auth } from "../security/auth.js";
import { newExchange } from "./exchange.js";
import { compose, type Stage } from "./stage.js";
import { auditStage, type ErrorResponder } from "./stages/audit.js";
import { authorizeStage } from "./stages/authorize.js";
import { guardStage, type RouteGuard } from "./stages/guard.js";
import { handleStage } from "./stages/handle.js";
import { type IdempotencyOptions, idempotencyStage } from "./stages/idempotency.js";
import { identifyStage } from "./stages/identify.js";
import { type RateLimitOptions, rateLimitStage } from "./stages/rate-limit.js";
import { readBodyStage } from "./stages/read-body.js";
import { validateStage } from "./stages/validate.js";

/** What the pipeline's stages are built from, once per host. @internal */
export interface PipelineDeps {
  readonly registry: Registry;
  readonly driver: Driver;
  readonly log: Logger;
  readonly auth: Auth;
  readonly audit: AuditLog;
  readonly toResponse: ErrorResponder;
  readonly rateLimit: RateLimitOptions | false;
  readonly idempotency?: IdempotencyOptions | undefined;
  readonly timeoutMs: number;
  /** Where handlers that outlive their 504 are tracked, for a clean close. */
  readonly overruns?: Overruns | undefined;
  readonly bodyLimitBytes: number;
  readonly guard?: RouteGuard | undefined;
  readonly trustProxy?: readonly string[] | undefined;
}

import { MUTATING, type Overruns } from "./stages/handle.js";

/** A route's compiled pipeline, with the stages it runs (inspectable, for tests and docs). @internal */
export interface CompiledRoute {
  readonly route: RegistryRoute;
  readonly stages: readonly string[];
  readonly handler: (c: Context) => Promise<Response>;
}

/**
 * Compile one pipeline per route at start-up: identify → rate limit → authorize → guard → audit →
 * read body → idempotency → validate → handle. A route gets only the stages it needs (no body
 * reading on a GET, no audit on reads, no rate limit on health probes); their order is fixed by
 * {@link compose}, so no stage can be skipped or reordered by how routes are registered.
 * @internal
 */
export function createPipeline(deps: PipelineDeps): (route: RegistryRoute) => CompiledRoute {
  // Stages holding state (the rate counter) are made once and shared by every route.
  const identify = identifyStage(deps.auth);
  const limit =
    deps.rateLimit === false ? undefined : rateLimitStage(deps.driver, deps.rateLimit, deps.trustProxy);
  const authorize = authorizeStage(deps.auth);
  const guard = deps.guard ? guardStage(deps.guard) : undefined;
  const audit = auditStage(deps.audit, deps.toResponse);
  const idempotency = idempotencyStage(deps.driver, deps.log, deps.idempotency, deps.trustProxy);
  const handle = handleStage(deps.registry, deps.timeoutMs, deps.overruns);
  const unreachable = () => Promise.reject(new Error("[valhalla] [pipeline] 'handle' must end the pipeline"));

  return (route) => {
    const def = route.def;
    const idempotent = route.method === "POST" && def.idempotency !== false;
    const stages: (Stage | undefined)[] = [
      identify,
      def.rateLimit === false ? undefined : limit,
      authorize,
      guard,
      (def.audit ?? MUTATING.has(route.method)) ? audit : undefined,
      def.body || idempotent ? readBodyStage(deps.bodyLimitBytes, def.body !== undefined) : undefined,
      idempotent ? idempotency : undefined,
      validateStage(def),
      handle,
    ];
    const present = stages.filter((s): s is Stage => s !== undefined);
    const run = compose(present, unreachable);
    const quiet = def.log === false;
    return {
      route,
      stages: present.map((s) => s.name),
      handler: (c) => {
        if (quiet) c.set("quiet", true);
        return run(newExchange(c, route));
      },
    };
  };
}
