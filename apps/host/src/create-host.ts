import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import {
  type AnyPack,
  createRegistry,
  createScheduler,
  type Driver,
  type Logger,
  problemResponse,
  type Registry,
  RegistryError,
  type Report,
  type Scheduler,
} from "@valhalla/runtime";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { mountDocs } from "./board/docs/mount-docs.js";
import { mountBoard } from "./board/mount-board.js";
import { envelope } from "./http/envelope.js";
import { mountJobRoutes } from "./http/job-routes.js";
import { mountRoutes, type RouteGuard } from "./http/mount-routes.js";
import { buildOpenApi } from "./http/openapi.js";
import { errorToResponse, problem } from "./http/problems.js";
import { jsonLogger } from "./log.js";
import { createHostOps } from "./ops/mount-ops.js";
import { type HardeningOptions, useSecurity } from "./security/install-security.js";
import { createDriver } from "./storage/create-driver.js";

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
  /** Extra checks before every pack route (auth). */
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
 * report on any error), runs pending migrations, and serves every pack route plus the host's own.
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
  const ops = createHostOps(driver, { log, ...(options.now ? { now: options.now } : {}) });
  const registry = createRegistry(ops.wrapPacks(options.packs), {
    outboundGate: ops.outboundGate,
    driver,
    timezone: options.timezone ?? "UTC",
    replicas: options.replicas ?? 1,
    log,
    ...(options.config ? { config: options.config } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  let report = await registry.validate();
  if (!report.ok) {
    await driver.close();
    throw new RegistryError(report);
  }
  const migrated = await registry.migrate();
  if (migrated.some((m) => m.applied.length > 0)) {
    log.info("migrations applied", { migrated });
    report = await registry.validate();
  }

  const app = new Hono();
  // Request id, security headers and queued headers (rate limit) for every response.
  app.use(envelope());
  const security = useSecurity(app, { registry, log, options });
  const limitBody = bodyLimit({
    maxSize: options.bodyLimitBytes ?? 1_048_576,
    onError: (c) =>
      c.json(
        problem(413, "body-too-large", "The request body exceeds the size limit", {
          request_id: c.get("requestId"),
        }),
        413,
        { "content-type": "application/problem+json" },
      ),
  });
  // GET and HEAD carry no body we read; skipping them matters because bodyLimit touches
  // `c.req.raw.body`, which makes @hono/node-server build a full Request (a third of a GET's cost).
  app.use((c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));
  security.afterBodyLimit();
  app.onError((err, c) => errorToResponse(err, c, (m, f) => log.error(m, f)));
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    return problemResponse(
      problem(404, "not-found", `No route ${c.req.method} ${path}`, {
        instance: path,
        request_id: c.get("requestId"),
      }),
      {
        "x-request-id": c.get("requestId"),
      },
    );
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await driver.ping();
      return c.json({ status: "ready", storage: driver.name });
    } catch {
      return c.json(problem(503, "storage-unreachable", `Storage '${driver.name}' is not reachable`), 503, {
        "content-type": "application/problem+json",
      });
    }
  });
  app.get("/registry", (c) =>
    c.json({
      storage: { driver: driver.name, capabilities: driver.capabilities },
      timezone: registry.timezone,
      packs: report.packs,
    }),
  );
  app.get("/registry/validate", async (c) => {
    report = await registry.validate();
    return c.json(report, report.ok ? 200 : 422);
  });
  const openapi = buildOpenApi(registry, { title: "Valhalla", version: "0.1.0" });
  app.get("/openapi.json", (c) => c.json(openapi));
  mountDocs(app);

  // Before the job and pack routes: the audit middleware must see every mutating request.
  ops.mount(app, registry);
  const schedulerOptions = options.scheduler ?? {};
  const scheduler = createScheduler({
    registry,
    driver,
    replicaId: options.replicaId ?? String(process.pid),
    log,
    ...(schedulerOptions.leaseTtlMs !== undefined ? { leaseTtlMs: schedulerOptions.leaseTtlMs } : {}),
    ...(schedulerOptions.historyLimit !== undefined ? { historyLimit: schedulerOptions.historyLimit } : {}),
  });
  mountJobRoutes(app, scheduler);
  mountBoard(app, { registry, log, auth: options.auth ?? {}, ...(options.now ? { now: options.now } : {}) });
  if (schedulerOptions.enabled === true) await scheduler.start();

  const extraGuard = options.guard;
  mountRoutes(app, registry, async (c, route) => {
    await security.guard(c, route);
    await extraGuard?.(c, route);
  });

  let server: Server | undefined;
  return {
    app,
    registry,
    get report() {
      return report;
    },
    scheduler,
    fetch: (req) => Promise.resolve(app.fetch(req)),
    async listen(port = 0, hostname = "0.0.0.0") {
      if (schedulerOptions.enabled !== false) await scheduler.start();
      return new Promise((resolvePort) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info) =>
          resolvePort({ port: info.port, server: server! }),
        ) as Server;
        server.headersTimeout = 30_000;
        server.requestTimeout = 60_000;
      });
    },
    async close() {
      await scheduler.stop(schedulerOptions.stopDeadlineMs ?? 10_000);
      if (server) {
        const s = server;
        await new Promise<void>((r) => s.close(() => r()));
      }
      await driver.close();
    },
  };
}
