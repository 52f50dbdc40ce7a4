import { actorRef, type Registry, route, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import type { AuditLog } from "../ops/audit-log.js";
import { buildBrief, runDailyOps } from "../ops/daily-ops.js";
import { checkReadiness } from "../ops/readiness.js";
import { seedMinimum } from "../ops/seed.js";
import { readSystemConfig, type SystemStore } from "../ops/system-store.js";
import { type HostRoute, packOutcome, SeedOut } from "./schemas.js";

const ConfigOut = v.object({ soft_launch: v.boolean(), updated_at: v.nullable(v.string()) });

/**
 * The daily loop's routes: `/brief`, `POST /ops/daily`, `/readiness`, `POST /boot/seed_minimum`
 * and `/system/config` (soft launch).
 * @internal
 */
export function opsRoutes(deps: {
  registry: () => Registry;
  store: SystemStore;
  audit: AuditLog;
  now: () => Date;
  access: Parameters<typeof checkReadiness>[2];
}): HostRoute[] {
  const { store, audit, now } = deps;
  return [
    route({
      method: "GET",
      path: "/brief",
      summary: "Today's brief: one section per pack (a failing pack's section says why)",
      scope: "admin",
      response: {
        status: 200,
        schema: v.object({
          date: v.string(),
          mode: v.picklist(["soft_launch", "live"]),
          sections: v.array(v.looseObject({ pack: v.string(), ok: v.boolean() })),
        }),
      },
      errors: [401, 403],
      handler: async () => {
        const registry = deps.registry();
        const { soft_launch } = await readSystemConfig(store);
        const sections = (await buildBrief(registry)).map((s) =>
          s.ok ? { pack: s.pack, ok: true, ...s.result } : { pack: s.pack, ok: false, error: s.error },
        );
        return {
          date: todayIn(registry.timezone, now()),
          mode: soft_launch ? "soft_launch" : "live",
          sections,
        };
      },
    }),
    route({
      method: "POST",
      path: "/ops/daily",
      summary: "Run every pack's daily work once (each audited)",
      scope: "admin",
      response: {
        status: 200,
        schema: v.object({ date: v.string(), ok: v.boolean(), packs: v.array(packOutcome(v.unknown())) }),
      },
      errors: [401, 403],
      handler: ({ principal }) => runDailyOps(deps.registry(), audit, actorRef(principal), now),
    }),
    route({
      method: "GET",
      path: "/readiness",
      summary: "Go-live checklist computed from the real state",
      scope: "admin",
      response: {
        status: 200,
        schema: v.object({
          ready: v.boolean(),
          items: v.array(
            v.object({
              id: v.string(),
              label: v.string(),
              ok: v.boolean(),
              hint: v.string(),
              pack: v.string(),
            }),
          ),
        }),
      },
      errors: [401, 403],
      handler: () => checkReadiness(deps.registry(), store, deps.access),
    }),
    route({
      method: "POST",
      path: "/boot/seed_minimum",
      summary: "Create the minimal working setup (idempotent)",
      scope: "admin",
      response: {
        status: 200,
        schema: v.object({ ok: v.boolean(), host: SeedOut, packs: v.array(packOutcome(SeedOut)) }),
      },
      errors: [401, 403],
      handler: () => seedMinimum(deps.registry(), store),
    }),
    route({
      method: "GET",
      path: "/system/config",
      summary: "Host-wide settings (soft launch)",
      scope: "admin",
      response: { status: 200, schema: ConfigOut },
      errors: [401, 403],
      handler: () => readSystemConfig(store),
    }),
    route({
      method: "PUT",
      path: "/system/config",
      summary: "Change host-wide settings (soft launch: outbound actions wait for approval)",
      scope: "admin",
      body: v.strictObject({ soft_launch: v.boolean("must be true or false") }),
      response: { status: 200, schema: ConfigOut },
      errors: [400, 401, 403, 415],
      handler: async ({ body }) => {
        const existing = await store.config.get("system");
        if (existing) await store.config.update("system", body);
        else await store.config.create(body, { id: "system" });
        return readSystemConfig(store);
      },
    }),
  ];
}
