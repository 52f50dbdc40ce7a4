import type { ServiceRef } from "../pack/service-ref.js";
import type { AnyPack, Issue, Logger, OutboundGate, PackContext, RouteDef } from "../pack/types.js";
import { type BindOptions, bindCollection, type CollectionDef } from "../storage/collection.js";
import type { Driver, Lease } from "../storage/driver.js";
import memory from "../storage/drivers/memory.js";
import { migrationStatus, runMigrations } from "../storage/migrations.js";
import { withLease } from "../storage/with-lease.js";
import { isTimeZone } from "../time/zoned-date.js";
import { checkCommands } from "./checks/command-conflicts.js";
import { checkConfig } from "./checks/config.js";
import { checkJobs } from "./checks/jobs.js";
import { checkMigrations } from "./checks/migrations.js";
import { checkDuplicateCodes, checkPackShape } from "./checks/pack-shape.js";
import { checkPages } from "./checks/page-conflicts.js";
import { checkCycles, checkRequirements, topoOrder } from "./checks/requirements.js";
import { checkRoutes, mountPath, orderRoutes } from "./checks/route-conflicts.js";
import { checkDriverCapabilities, checkStorageConflicts, namespaceKey } from "./checks/storage-conflicts.js";
import { makeIssue } from "./codes.js";
import { formatReport } from "./format-report.js";

/** Summary of one pack in a report. @public */
export interface PackSummary {
  readonly code: string;
  readonly version: string;
  readonly description: string;
  readonly requires: readonly { pack: string; service: string; range: string; optional: boolean }[];
  readonly provides: readonly string[];
  readonly namespaces: readonly { name: string; key: string; prefix: string; indexes: readonly string[] }[];
  readonly routes: readonly { method: string; path: string; scope: string; summary: string }[];
  readonly jobs: readonly { name: string; cron: string; timezone: string }[];
}

/** The registry's verdict, as data. @public */
export interface Report {
  readonly ok: boolean;
  readonly packs: readonly PackSummary[];
  readonly issues: readonly Issue[];
}

/** Options of `createRegistry`. @public */
export interface RegistryOptions {
  /** Storage driver; the registry only reads from it. @default memory() */
  readonly driver?: Driver;
  /** IANA time zone for "today" and jobs. @default "UTC" */
  readonly timezone?: string;
  /** How many host replicas share the store (locks must then hold across processes). @default 1 */
  readonly replicas?: number;
  /** Config sections keyed by pack code. */
  readonly config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly log?: Logger;
  /** Clock for contexts (tests). @default () => new Date() */
  readonly now?: () => Date;
  /** How `ctx.outbound()` actions run (approval gates). @default runs each action at once */
  readonly outboundGate?: OutboundGate;
  /**
   * The host's own routes, at their full paths (`/healthz`, `/jobs/:pack/:name/run`). They join
   * `routes` as pack `host`, so one mechanism mounts, secures and documents them, and a pack
   * route landing on one of them is an `E_ROUTE_CONFLICT`. @default []
   */
  readonly hostRoutes?: readonly RouteDef<any, any, any, any>[];
  /** The host CLI's own command names: a pack command may not reuse one (`E_COMMAND_CONFLICT`). */
  readonly hostCommands?: readonly string[];
}

/** Owner of the host's own routes in `registry.routes` and in issues. @public */
export const HOST_PACK_CODE = "host";

/** A mounted route with its owner and declaration. @public */
export interface RegistryRoute {
  readonly pack: string;
  readonly method: string;
  readonly path: string;
  readonly def: RouteDef<any, any, any, any>;
}

/** Per-context options of `registry.context`. @public */
export interface ContextOptions {
  readonly signal?: AbortSignal;
  /** What writes check before commit; defaults to `signal`. Anything with `aborted` and `reason`. */
  readonly abort?: Pick<AbortSignal, "aborted" | "reason">;
  readonly guard?: Lease;
}

/** The composed pack set: validation, contexts, services, routes. @public */
export interface Registry {
  readonly packs: readonly AnyPack[];
  readonly driver: Driver;
  readonly timezone: string;
  /**
   * Every route: the host's own (pack `host`) and each pack's, mounted at `/<code><path>`; ordered
   * so static segments come before parameters.
   */
  readonly routes: readonly RegistryRoute[];
  /** Validate the whole set; every issue at once. */
  validate(): Promise<Report>;
  /**
   * The context of one pack (storage limited to its namespaces, typed deps). `signal` becomes
   * `ctx.signal` and is read only when the pack reads it, so it may be a getter that creates it
   * lazily; writes check `abort` (else `signal`) before they commit.
   */
  context(code: string, options?: ContextOptions): PackContext<any, any>;
  /** Run pending migrations (under a lock). */
  migrate(): Promise<{ pack: string; applied: number[] }[]>;
}

/**
 * What a context's collections check at commit, read when they commit and not when bound: a class,
 * so `signal` is one prototype getter rather than an accessor defined on every request's object.
 */
class ContextBinding implements BindOptions {
  constructor(
    private readonly o: ContextOptions,
    readonly now: (() => Date) | undefined,
  ) {}
  get signal(): Pick<AbortSignal, "aborted" | "reason"> | undefined {
    return this.o.abort ?? this.o.signal;
  }
  get guard(): Lease | undefined {
    return this.o.guard;
  }
}

const OPTIONS = Symbol("valhalla.contextOptions");

function readSignal(this: { [OPTIONS]: ContextOptions }): AbortSignal {
  return this[OPTIONS].signal as AbortSignal;
}

/**
 * Give `ctx` (made with its options under {@link OPTIONS}) an own, enumerable `signal` read from
 * them on use (the host passes a getter that creates the signal lazily), as a literal's
 * `get signal() {}` would, but through one shared getter. A literal's getter is a new closure per
 * object, so every request's context got an accessor pair of its own: V8 then cannot share the
 * object's hidden class, and the per-request objects it reaches survived young-generation
 * collections until the next full one. That made each scavenge copy about a megabyte under load
 * (3 ms pauses, against 0.5 ms without). The options ride in the literal rather than in a second
 * `defineProperty`, which cost as much again (about 150 ns a request).
 */
function withSignal(ctx: { [OPTIONS]: ContextOptions }): void {
  Object.defineProperty(ctx, "signal", SIGNAL_PROPERTY);
}
const SIGNAL_PROPERTY: PropertyDescriptor = { get: readSignal, enumerable: true };

const consoleLog: Logger = {
  info: (msg, f) => console.log(JSON.stringify({ level: "info", msg, ...f })),
  warn: (msg, f) => console.warn(JSON.stringify({ level: "warn", msg, ...f })),
  error: (msg, f) => console.error(JSON.stringify({ level: "error", msg, ...f })),
};

/**
 * Compose packs and check their wiring. `validate()` returns a report without starting anything.
 *
 * @example
 * const registry = createRegistry([holdings, wholesale], { driver: memory() });
 * const report = await registry.validate();
 * if (!report.ok) console.error(formatReport(report));
 * @public
 */
export function createRegistry(packs: readonly AnyPack[], options: RegistryOptions = {}): Registry {
  const driver = options.driver ?? memory();
  const timezone = options.timezone ?? "UTC";
  const log = options.log ?? consoleLog;
  const ordered = topoOrder(packs);
  const byCode = new Map(packs.map((p) => [p.code, p]));
  const hostRoutes = options.hostRoutes ?? [];
  // Host routes get a context too (clock, zone, log), without storage: a pack named `host` wins.
  if (!byCode.has(HOST_PACK_CODE))
    byCode.set(HOST_PACK_CODE, {
      code: HOST_PACK_CODE,
      version: "0.0.0",
      description: "The host",
    } as AnyPack);
  const services = new Map<string, Record<string, unknown>>();
  const contexts = new Map<string, PackContext<any, any>>();

  const servicesOf = (code: string): Record<string, unknown> => {
    let s = services.get(code);
    if (!s) {
      const p = byCode.get(code);
      s = (p?.services?.(context(code)) ?? {}) as Record<string, unknown>;
      services.set(code, s);
    }
    return s;
  };

  /** What a pack's contexts share: built once per pack, so a request context is a few objects. */
  interface PackShape {
    readonly pack: AnyPack;
    readonly namespaces: readonly (readonly [string, string, CollectionDef])[];
    readonly base: Omit<PackContext<any, any>, "storage" | "outbound" | "signal">;
  }
  const shapes = new Map<string, PackShape>();
  const shapeOf = (code: string): PackShape => {
    let shape = shapes.get(code);
    if (shape) return shape;
    const p = byCode.get(code);
    if (!p) throw new Error(`[valhalla] [registry] Unknown pack '${code}'`);
    const deps: Record<string, unknown> = {};
    for (const [key, ref] of Object.entries(
      (p.requires ?? {}) as Record<string, ServiceRef<unknown, boolean>>,
    )) {
      Object.defineProperty(deps, key, {
        enumerable: true,
        get: () => (byCode.has(ref.pack) ? servicesOf(ref.pack)[ref.id] : undefined),
      });
    }
    shape = {
      pack: p,
      namespaces: Object.entries((p.storage ?? {}) as Record<string, CollectionDef>).map(
        ([ns, def]) => [ns, namespaceKey(code, ns), def] as const,
      ),
      base: {
        pack: code,
        deps: Object.freeze(deps),
        locks: {
          withLock: (key, ttlMs, fn, o) => withLease(driver, `lock:${code}:${key}`, ttlMs, fn, o),
        },
        timezone,
        now: options.now ?? (() => new Date()),
        config: options.config?.[code] ?? {},
        log: {
          info: (m, f) => log.info(m, { pack: code, ...f }),
          warn: (m, f) => log.warn(m, { pack: code, ...f }),
          error: (m, f) => log.error(m, { pack: code, ...f }),
        },
      },
    };
    shapes.set(code, shape);
    return shape;
  };

  const context = (code: string, ctxOptions: ContextOptions = {}): PackContext<any, any> => {
    // `signal` is read on use, never here: the host passes a getter that creates it lazily.
    const plain = !("signal" in ctxOptions) && !ctxOptions.abort && !ctxOptions.guard;
    if (plain && contexts.has(code)) return contexts.get(code)!;
    const { pack: p, namespaces, base } = shapeOf(code);
    const bindOptions = new ContextBinding(ctxOptions, options.now);
    const storage: Record<string, unknown> = {};
    for (const [ns, key, def] of namespaces) storage[ns] = bindCollection(driver, key, def, bindOptions);
    const outbound: PackContext<any, any>["outbound"] = async (kind, payload, outboundOptions = {}) => {
      const handler = (p.outbound as Record<string, (c: unknown, pl: unknown) => unknown> | undefined)?.[
        kind
      ];
      // A kind the pack never declared is a programming error, not a user input problem.
      if (!handler) throw new Error(`[valhalla] [registry] Pack '${code}' declares no outbound '${kind}'`);
      const run = async () => handler(ctx, payload);
      if (!options.outboundGate) return { status: "done", result: await run() };
      return options.outboundGate({ pack: code, kind, payload, options: outboundOptions, run });
    };
    const frozen = Object.freeze(storage) as PackContext<any, any>["storage"];
    // Every field written out: on Node 20 a literal that spreads `base` and then adds fields takes
    // V8's slow path, which cost more per request than the rest of the context.
    const ctx: PackContext<any, any> & { [OPTIONS]: ContextOptions } = {
      pack: base.pack,
      deps: base.deps,
      locks: base.locks,
      timezone: base.timezone,
      now: base.now,
      config: base.config,
      log: base.log,
      storage: frozen,
      outbound,
      [OPTIONS]: ctxOptions,
    };
    if ("signal" in ctxOptions) withSignal(ctx);
    if (plain) contexts.set(code, ctx);
    return ctx;
  };

  const routes: RegistryRoute[] = orderRoutes([
    ...hostRoutes.map((def) => ({ pack: HOST_PACK_CODE, method: def.method, path: def.path, def })),
    ...packs.flatMap((p) =>
      (p.routes ?? []).map((def) => ({
        pack: p.code,
        method: def.method,
        path: mountPath(p.code, def.path),
        def,
      })),
    ),
  ]);

  return {
    packs: ordered,
    driver,
    timezone,
    routes,
    context,
    migrate: () => runMigrations(driver, ordered, (code) => context(code)),
    async validate() {
      const issues: Issue[] = [
        ...checkPackShape(packs),
        ...checkDuplicateCodes(packs),
        ...checkRoutes(packs, hostRoutes),
        ...checkPages(packs),
        ...checkCommands(packs, options.hostCommands ?? []),
        ...checkStorageConflicts(packs),
        ...checkRequirements(packs),
        ...checkCycles(packs),
        ...checkJobs(packs),
        ...checkDriverCapabilities(packs, driver, { replicas: options.replicas ?? 1 }),
      ];
      if (!isTimeZone(timezone)) issues.push(makeIssue("E_TIMEZONE_INVALID", null, { timezone }));
      issues.push(...checkConfig(packs, options.config ?? {}));
      try {
        issues.push(...checkMigrations(packs, await migrationStatus(driver, packs)));
      } catch (err) {
        log.warn("migration status unavailable", { error: String(err) });
      }
      const broken = new Set(issues.filter((i) => i.severity === "error").map((i) => i.pack));
      for (const p of ordered) {
        if (!p.validate || broken.has(p.code)) continue;
        try {
          for (const i of await p.validate(context(p.code))) issues.push({ ...i, pack: i.pack ?? p.code });
        } catch (err) {
          issues.push(
            makeIssue("E_PACK_VALIDATE_FAILED", p.code, {
              error: err instanceof Error ? err.message : String(err),
            }),
          );
        }
      }
      return { ok: !issues.some((i) => i.severity === "error"), packs: packs.map(summarize), issues };
    },
  };
}

function summarize(p: AnyPack): PackSummary {
  return {
    code: p.code,
    version: p.version,
    description: p.description,
    requires: Object.values((p.requires ?? {}) as Record<string, ServiceRef<unknown, boolean>>).map((r) => ({
      pack: r.pack,
      service: r.id,
      range: r.version,
      optional: r.optional,
    })),
    provides: (p.provides ?? []).map((r: ServiceRef<unknown, boolean>) => `${r.pack}.${r.id}`),
    namespaces: Object.entries((p.storage ?? {}) as Record<string, CollectionDef>).map(([name, def]) => ({
      name,
      key: namespaceKey(p.code, name),
      prefix: def.prefix,
      indexes: def.indexes,
    })),
    routes: (p.routes ?? []).map((r) => ({
      method: r.method,
      path: mountPath(p.code, r.path),
      scope: r.scope,
      summary: r.summary,
    })),
    jobs: (p.jobs ?? []).map((j) => ({ name: j.name, cron: j.cron, timezone: j.timezone ?? "" })),
  };
}

export { formatReport };
