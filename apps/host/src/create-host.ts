import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import {
  type AnyPack,
  createRegistry,
  createScheduler,
  type Driver,
  type Logger,
  type Registry,
  RegistryError,
  type Report,
  type Scheduler,
} from "@valhalla/runtime";
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { mountDocs } from "./board/docs/mount-docs.js";
import { mountBoard } from "./board/mount-board.js";
import { approvalRoutes } from "./host-routes/approval-routes.js";
import { auditRoutes } from "./host-routes/audit-routes.js";
import { jobRoutes } from "./host-routes/job-routes.js";
import { metricsRoutes } from "./host-routes/metrics-routes.js";
import { opsRoutes } from "./host-routes/ops-routes.js";
import { probeRoutes } from "./host-routes/probes.js";
import { registryRoutes } from "./host-routes/registry-routes.js";
import { shareTokenRoutes } from "./host-routes/share-token-routes.js";
import { problemOnClientError } from "./http/client-errors.js";
import { createEnvelope } from "./http/envelope.js";
import { noRoute } from "./http/fallbacks.js";
import { errorToResponse, isStorageOutage } from "./http/problems.js";
import { RouteTableRouter } from "./http/route-table-router.js";
import { jsonLogger } from "./log.js";
import { createHostMetrics } from "./metrics/host-metrics.js";
import { createOutboundGate } from "./ops/approvals.js";
import { createAuditLog, withJobAudit } from "./ops/audit-log.js";
import { createSystemStore } from "./ops/system-store.js";
import { HOST_COMMANDS } from "./pack-commands.js";
import { createPipeline } from "./pipeline/create-pipeline.js";
import type { RouteGuard } from "./pipeline/stages/guard.js";
import type { Overruns } from "./pipeline/stages/handle.js";
import { type IdempotencyOptions, sweepIdempotencyKeys } from "./pipeline/stages/idempotency.js";
import type { RateLimitOptions } from "./pipeline/stages/rate-limit.js";
import { apiKeyStore } from "./security/api-keys.js";
import { type AuthOptions, createAuth } from "./security/auth.js";
import { shareTokenStore } from "./security/share-tokens.js";
import { createDriver } from "./storage/create-driver.js";

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
  /**
   * Addresses of reverse proxies in front of the host: a request from one of them is attributed
   * to the right-most `X-Forwarded-For` address that is not a proxy (rate limits, failed-login
   * throttle). @default [] (the socket's peer is the client)
   */
  readonly trustProxy?: readonly string[];
}

/** Options of `createHost`. @public */
export interface CreateHostOptions extends HardeningOptions {
  /** The packs to serve. */
  readonly packs: readonly AnyPack[];
  /** A driver, or a storage URL (`memory:`, `sqlite:./data/valhalla.db`, `redis://…`, `postgres://…`). @default "sqlite:./data/valhalla.db" */
  readonly storage?: Driver | string;
  /** IANA time zone for "today" and jobs. @default "UTC" */
  readonly timezone?: string;
  /** Pack config sections keyed by pack code. */
  readonly config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimitBytes?: number;
  /** Identifies this replica in logs and job history. @default the process id */
  readonly replicaId?: string;
  /** Replicas sharing the store; more than 1 requires cluster locks. @default 1 */
  readonly replicas?: number;
  readonly log?: Logger;
  /** Clock for contexts (tests). */
  readonly now?: () => Date;
  /** An extra check after authorization on every route (the pipeline's `guard` stage). */
  readonly guard?: RouteGuard;
  /**
   * Pack jobs. `enabled` undefined: timers start with `listen()` (serving); `true`: start now;
   * `false`: never (manual runs still work). `close()` waits up to `stopDeadlineMs` for runs.
   */
  readonly scheduler?: {
    readonly enabled?: boolean;
    /** @default 30000 */
    readonly leaseTtlMs?: number;
    /** @default 10000 */
    readonly stopDeadlineMs?: number;
    /** @default 100 */
    readonly historyLimit?: number;
  };
}

/** A composed, validated host. @public */
export interface Host {
  readonly app: Hono;
  readonly registry: Registry;
  readonly report: Report;
  /** The pack-job scheduler of this replica. */
  readonly scheduler: Scheduler;
  /** Handle a request in-process (tests, serverless). */
  fetch(request: Request): Promise<Response>;
  /** Listen on a port (0 = any free port); resolves with the bound port. */
  listen(port?: number, hostname?: string): Promise<{ port: number; server: Server }>;
  /** Stop accepting, finish in-flight requests, close storage. */
  close(): Promise<void>;
}

/**
 * Compose packs into an HTTP host: validates the registry (throws `RegistryError` with the whole
 * report on any error), runs pending migrations, and serves every route — the packs' and the
 * host's own, declared the same way — each through one pipeline compiled at start-up.
 *
 * @example
 * const host = await createHost({ packs: [holdings], storage: "memory:" });
 * await host.listen(3000);
 * @public
 */
export async function createHost(options: CreateHostOptions): Promise<Host> {
  const log = options.log ?? jsonLogger({ replica: options.replicaId ?? String(process.pid) });
  const driver = typeof options.storage === "object" ? options.storage : await createDriver(options.storage);
  await driver.init();
  const now = options.now ?? (() => new Date());
  const store = createSystemStore(driver, now);
  const audit = createAuditLog(store, now, (err) =>
    log.error("audit append failed", { error: err instanceof Error ? err.message : String(err) }),
  );
  const shares = shareTokenStore(driver);
  const metrics = createHostMetrics();
  const auth = createAuth({
    keys: apiKeyStore(driver, options.auth?.cacheMs !== undefined ? { cacheMs: options.auth.cacheMs } : {}),
    shares,
    options: options.auth ?? {},
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  if (auth.disabled)
    log.warn("authentication is DISABLED: every route is open to anyone who can reach this host", {
      hint: "Remove auth.disabled / VALHALLA_AUTH=off before exposing the host",
    });

  // Host routes are declared before the registry exists; their handlers read it when called.
  let registry: Registry | undefined;
  let scheduler: Scheduler | undefined;
  const registryOf = () => registry!;
  const reportBox: { current: Report } = { current: { ok: true, packs: [], issues: [] } };
  const hostRoutes = [
    ...probeRoutes(driver),
    ...registryRoutes({
      registry: registryOf,
      report: reportBox,
      info: { title: "Valhalla", version: "0.1.0" },
    }),
    ...jobRoutes(() => scheduler!),
    ...opsRoutes({
      registry: registryOf,
      store,
      audit,
      now,
      access: {
        authDisabled: auth.disabled,
        hasAdminSecret: !!options.auth?.adminKey,
        keys: apiKeyStore(driver),
      },
    }),
    ...approvalRoutes({ registry: registryOf, store, audit, now, log }),
    ...auditRoutes(store),
    ...shareTokenRoutes({ registry: registryOf, shares }),
    ...metricsRoutes(metrics),
  ];
  const jobAudited = withJobAudit(options.packs, audit, (pack, job, outcome) =>
    metrics.jobRuns.inc({ pack, job, outcome }),
  );
  registry = createRegistry(jobAudited, {
    outboundGate: createOutboundGate(store),
    driver,
    timezone: options.timezone ?? "UTC",
    replicas: options.replicas ?? 1,
    log,
    hostRoutes,
    hostCommands: HOST_COMMANDS,
    ...(options.config ? { config: options.config } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  reportBox.current = await registry.validate();
  if (!reportBox.current.ok) {
    await driver.close();
    throw new RegistryError(reportBox.current);
  }
  const migrated = await registry.migrate();
  if (migrated.some((m) => m.applied.length > 0)) {
    log.info("migrations applied", { migrated });
    reportBox.current = await registry.validate();
  }

  const schedulerOptions = options.scheduler ?? {};
  scheduler = createScheduler({
    registry,
    driver,
    replicaId: options.replicaId ?? String(process.pid),
    log,
    ...(schedulerOptions.leaseTtlMs !== undefined ? { leaseTtlMs: schedulerOptions.leaseTtlMs } : {}),
    ...(schedulerOptions.historyLimit !== undefined ? { historyLimit: schedulerOptions.historyLimit } : {}),
  });
  if (schedulerOptions.enabled === true) await scheduler.start();

  // RegExpRouter refuses the registry's table (see RouteTableRouter), and TrieRouter cost several
  // microseconds a request: the host's router answers plain paths from a table compiled once.
  const app = new Hono({ router: new RouteTableRouter() });
  const envelope = createEnvelope(log, metrics);
  const origins = options.cors?.origins ?? [];
  const corsOn = origins.length > 0;
  if (corsOn) {
    // CORS answers preflights for any path, so the envelope wraps everything as middleware.
    app.use(envelope.middleware);
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
  const logError = (m: string, f: Record<string, unknown>) => log.error(m, f);
  const toResponse = (err: unknown, c: Context) => {
    if (isStorageOutage(err)) metrics.storageErrors.inc();
    return errorToResponse(err, c, logError);
  };
  app.onError(toResponse);
  // Without CORS each route's one handler carries the envelope itself, so Hono calls it directly;
  // what others mount (the board under /app, the docs' assets) gets it as path-scoped middleware.
  const enveloped = (handler: (c: Context) => Response | Promise<Response>, label: string) =>
    corsOn ? handler : envelope.wrap(handler, label, toResponse);
  if (!corsOn) {
    app.use("/app/*", envelope.middleware);
    app.use("/docs/assets/*", envelope.middleware);
  }
  app.notFound(enveloped(noRoute(registry.routes), "(unmatched)"));
  const overruns: Overruns = new Set();
  const compile = createPipeline({
    registry,
    overruns,
    driver,
    log,
    auth,
    audit,
    toResponse: (err, x) => toResponse(err, x.c),
    rateLimit: options.rateLimit ?? {},
    idempotency: options.idempotency,
    timeoutMs: options.timeoutMs ?? 30_000,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
    guard: options.guard,
    trustProxy: options.trustProxy,
  });
  for (const r of registry.routes) app.on(r.method, r.path, enveloped(compile(r).handler, r.path));
  // The web app's pages render server-side from the API above, called in-process as the signed-in
  // principal, so every read and write they make runs through that API's pipeline.
  mountDocs(app);
  mountBoard(app, { registry, log, auth: options.auth ?? {}, ...(options.now ? { now: options.now } : {}) });

  let server: Server | undefined;
  let janitor: NodeJS.Timeout | undefined;
  const reg = registry;
  const sched = scheduler;
  return {
    app,
    registry: reg,
    get report() {
      return reportBox.current;
    },
    scheduler: sched,
    fetch: (req) => Promise.resolve(app.fetch(req)),
    async listen(port = 0, hostname = "0.0.0.0") {
      if (schedulerOptions.enabled !== false) await sched.start();
      janitor ??= setInterval(() => {
        sweepIdempotencyKeys(driver, options.idempotency).catch((err: unknown) =>
          log.warn("idempotency sweep failed", { error: err instanceof Error ? err.message : String(err) }),
        );
      }, options.idempotency?.sweepMs ?? 3_600_000);
      janitor.unref();
      return new Promise((resolvePort, reject) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info) =>
          resolvePort({ port: info.port, server: server! }),
        ) as Server;
        // A taken port is an `error` event, not a throw: without this, listen() would never settle.
        server.once("error", (err) => {
          server = undefined;
          reject(err);
        });
        server.headersTimeout = 30_000;
        server.requestTimeout = 60_000;
        problemOnClientError(server);
      });
    },
    async close() {
      if (janitor) clearInterval(janitor);
      const stopDeadlineMs = schedulerOptions.stopDeadlineMs ?? 10_000;
      await sched.stop(stopDeadlineMs);
      if (server) {
        const s = server;
        await new Promise<void>((r) => s.close(() => r()));
      }
      // Handlers answered 504 may still be writing: let them reach their next (refused) write.
      await settledWithin([...overruns], stopDeadlineMs);
      await driver.close();
    },
  };
}

/** Wait for every promise to settle, or for `ms` to pass, whichever is first. */
async function settledWithin(work: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (work.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((r) => {
    timer = setTimeout(r, ms);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(work), limit]);
  clearTimeout(timer);
}
