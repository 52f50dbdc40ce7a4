import type { Registry, SeedResult } from "@valhalla/runtime";
import { eachPack, type PackOutcome } from "./daily-ops.js";
import type { SystemStore } from "./system-store.js";

/**
 * The minimal working setup, idempotently: the system config (soft launch on, so a new install
 * asks before anything goes out) and each installed pack's own `seed()`.
 */
export async function seedMinimum(
  registry: Registry,
  store: SystemStore,
): Promise<{ ok: boolean; host: SeedResult; packs: PackOutcome<SeedResult>[] }> {
  const hostResult: SeedResult = (await store.config.get("system"))
    ? { created: [], existing: ["system_config"] }
    : await store.config
        .create({ soft_launch: true }, { id: "system" })
        .then(() => ({ created: ["system_config"], existing: [] }))
        // A concurrent seed created it first: that is the same outcome.
        .catch(() => ({ created: [], existing: ["system_config"] }));
  const packs = await eachPack(
    registry,
    (p) => typeof p.seed === "function",
    async (p) => p.seed!(registry.context(p.code)),
  );
  return { ok: packs.every((p) => p.ok), host: hostResult, packs };
}
