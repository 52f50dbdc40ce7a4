import {
  type AnyPack,
  type Driver,
  type Logger,
  type OutboundGate,
  type Registry,
  todayIn,
} from "@valhalla/runtime";
import type { Hono } from "hono";
import { createOutboundGate, mountApprovals } from "./approvals.js";
import { type AuditLog, actorOf, auditMiddleware, createAuditLog, withJobAudit } from "./audit-log.js";
import { mountAudit } from "./audit-routes.js";
import { buildBrief, runDailyOps } from "./daily-ops.js";
import { checkReadiness } from "./readiness.js";
import { seedMinimum } from "./seed.js";
import { mountSystemConfig } from "./system-config.js";
import { createSystemStore, readSystemConfig, type SystemStore } from "./system-store.js";

/** The host's daily loop: brief, daily ops, readiness, system config, approvals, audit, seed. */
export interface HostOps {
  readonly store: SystemStore;
  readonly audit: AuditLog;
  /** Goes into the registry options: soft launch turns outbound actions into approvals. */
  readonly outboundGate: OutboundGate;
  /** Packs with their jobs wrapped so every run is audited. */
  wrapPacks(packs: readonly AnyPack[]): AnyPack[];
  /** Register the audit middleware and the routes; call before pack routes are mounted. */
  mount(app: Hono, registry: Registry): void;
}

/** Build the host's ops layer over its driver. */
export function createHostOps(driver: Driver, options: { now?: () => Date; log: Logger }): HostOps {
  const now = options.now ?? (() => new Date());
  const store = createSystemStore(driver, now);
  const audit = createAuditLog(store, now, (err) =>
    options.log.error("audit append failed", { error: err instanceof Error ? err.message : String(err) }),
  );
  return {
    store,
    audit,
    outboundGate: createOutboundGate(store),
    wrapPacks: (packs) => withJobAudit(packs, audit),
    mount(app, registry) {
      app.use(auditMiddleware(audit, new Set(registry.packs.map((p) => p.code))));
      app.get("/brief", async (c) => {
        const { soft_launch } = await readSystemConfig(store);
        const sections = (await buildBrief(registry)).map((s) =>
          s.ok ? { pack: s.pack, ok: true, ...s.result } : { pack: s.pack, ok: false, error: s.error },
        );
        return c.json({
          date: todayIn(registry.timezone, now()),
          mode: soft_launch ? "soft_launch" : "live",
          sections,
        });
      });
      app.post("/ops/daily", async (c) => c.json(await runDailyOps(registry, audit, actorOf(c), now)));
      app.get("/readiness", async (c) => c.json(await checkReadiness(registry, store)));
      app.post("/boot/seed_minimum", async (c) => c.json(await seedMinimum(registry, store)));
      mountSystemConfig(app, store);
      mountApprovals(app, registry, store, audit, now);
      mountAudit(app, store);
    },
  };
}
