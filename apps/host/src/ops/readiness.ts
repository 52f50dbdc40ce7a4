import { migrationStatus, type ReadinessItem, type Registry } from "@valhalla/runtime";
import type { ApiKeyStore } from "../security/api-keys.js";
import { eachPack } from "./daily-ops.js";
import type { SystemStore } from "./system-store.js";

/**
 * The go-live checklist, computed from real state: the registry, the store, migrations, jobs,
 * the system config, then every pack's own `readiness()` items. A failing hook is a failed item.
 */
export async function checkReadiness(
  registry: Registry,
  store: SystemStore,
  access: { readonly authDisabled: boolean; readonly hasAdminSecret: boolean; readonly keys: ApiKeyStore },
): Promise<{ ready: boolean; items: (ReadinessItem & { pack: string })[] }> {
  const items: (ReadinessItem & { pack: string })[] = [];
  const host = (item: ReadinessItem) => items.push({ ...item, pack: "host" });

  const report = await registry.validate();
  const errors = report.issues.filter((i) => i.severity === "error");
  host({
    id: "host.registry",
    label: "Pack registry validates",
    ok: report.ok,
    hint: report.ok ? "" : `Fix: ${errors.map((e) => e.code).join(", ")} (GET /registry/validate)`,
  });

  let reachable = true;
  try {
    await registry.driver.ping();
  } catch {
    reachable = false;
  }
  host({
    id: "host.storage",
    label: `Storage '${registry.driver.name}' is reachable`,
    ok: reachable,
    hint: reachable ? "" : "Check VALHALLA_STORAGE and that the database is up.",
  });

  let pending: string[] = [];
  try {
    pending = (await migrationStatus(registry.driver, registry.packs))
      .filter((m) => m.current < m.latest)
      .map((m) => `${m.pack} ${m.current}→${m.latest}`);
  } catch {
    pending = ["status unreadable"];
  }
  host({
    id: "host.migrations",
    label: "Every pack migration is applied",
    ok: pending.length === 0,
    hint: pending.length ? `Restart the host to migrate: ${pending.join(", ")}` : "",
  });

  const jobs = registry.packs.flatMap((p) => (p.jobs ?? []).map((j) => `${p.code}/${j.name}`));
  const jobIssues = report.issues.filter((i) => i.code.startsWith("E_JOB_"));
  host({
    id: "host.jobs",
    label: `Jobs declared with valid schedules (${jobs.length})`,
    ok: jobIssues.length === 0,
    hint: jobIssues.length ? jobIssues.map((i) => i.message).join("; ") : "",
  });

  const config = await store.config.get("system");
  host({
    id: "host.system_config",
    label: "System config exists",
    ok: config !== null,
    hint: config ? "" : "Run POST /boot/seed_minimum (or `valhalla seed`).",
  });
  host({
    id: "host.auth",
    label: "Authentication is on",
    ok: !access.authDisabled,
    hint: access.authDisabled ? "Remove auth.disabled / VALHALLA_AUTH=off before going live." : "",
  });
  const adminKey =
    access.hasAdminSecret ||
    (await access.keys.list()).some((k) => k.revoked_at === null && k.scopes.includes("admin"));
  host({
    id: "host.admin_key",
    label: "An admin key exists",
    ok: adminKey,
    hint: adminKey ? "" : "Create one: `valhalla keys create --admin` (or set VALHALLA_ADMIN_KEY).",
  });
  host({
    id: "host.live",
    label: "Soft launch is off (outbound actions run without approval)",
    ok: config !== null && !config.soft_launch,
    hint: config?.soft_launch
      ? 'When the approvals look right: PUT /system/config {"soft_launch": false}.'
      : "",
  });

  const packs = await eachPack(
    registry,
    (p) => typeof p.readiness === "function",
    async (p) => p.readiness!(registry.context(p.code)),
  );
  for (const r of packs) {
    if (r.ok)
      for (const item of r.result) items.push({ ...item, hint: item.ok ? "" : item.hint, pack: r.pack });
    else
      items.push({
        id: `${r.pack}.readiness`,
        label: `Pack '${r.pack}' readiness check runs`,
        ok: false,
        hint: `The check failed: ${r.error}`,
        pack: r.pack,
      });
  }
  return { ready: items.every((i) => i.ok), items };
}
