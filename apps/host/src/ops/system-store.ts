import { bindCollection, type Collection, collection, type Driver } from "@valhalla/runtime";
import * as v from "valibot";

/** Host-wide settings (one record, id `system`). */
export const SystemConfig = v.object({
  /** While on, outbound pack actions become approval requests. */
  soft_launch: v.boolean(),
});
export type SystemConfig = v.InferOutput<typeof SystemConfig>;

/** Who did something, as recorded: a principal's kind, id and label (see `actorRef`). */
export const Actor = v.object({
  kind: v.picklist(["key", "share", "job", "operator", "anonymous"]),
  id: v.string(),
  label: v.string(),
});

/** One audit entry: who did what, when, to which pack and record, and how it ended. */
export const AuditEntry = v.object({
  at: v.string(),
  actor: Actor,
  /** `request` (an HTTP call), `job`, `daily` (a pack's daily hook) or `approval`. */
  kind: v.picklist(["request", "job", "daily", "approval"]),
  action: v.string(),
  pack: v.string(),
  record_id: v.nullable(v.string()),
  outcome: v.picklist(["success", "failure"]),
  status: v.nullable(v.number()),
  request_id: v.nullable(v.string()),
  detail: v.nullable(v.string()),
});
export type AuditEntry = v.InferOutput<typeof AuditEntry>;

/** An outbound action waiting for (or past) a human decision. */
export const Approval = v.object({
  pack: v.string(),
  kind: v.string(),
  payload: v.record(v.string(), v.unknown()),
  summary: v.nullable(v.string()),
  record_id: v.nullable(v.string()),
  key: v.nullable(v.string()),
  status: v.picklist(["pending", "approved", "rejected"]),
  decided_at: v.nullable(v.string()),
  decided_by: v.nullable(Actor),
  result: v.unknown(),
});
export type Approval = v.InferOutput<typeof Approval>;

const defs = {
  config: collection({ prefix: "cfg", schema: SystemConfig }),
  audit: collection({ prefix: "aud", schema: AuditEntry, indexes: ["pack"] }),
  approvals: collection({ prefix: "appr", schema: Approval, indexes: ["status", "pack", "key"] }),
};

/** The host's own namespaces (`_valhalla.*`, never a pack's). */
export interface SystemStore {
  readonly config: Collection<SystemConfig>;
  readonly audit: Collection<AuditEntry, "pack">;
  readonly approvals: Collection<Approval, "status" | "pack" | "key">;
}

/** Bind the system namespaces on the host's driver. */
export function createSystemStore(driver: Driver, now?: () => Date): SystemStore {
  const opts = now ? { now } : {};
  return {
    config: bindCollection(driver, "_valhalla.config", defs.config, opts),
    audit: bindCollection(driver, "_valhalla.audit", defs.audit, opts),
    approvals: bindCollection(driver, "_valhalla.approvals", defs.approvals, opts),
  };
}

/** The current system config; soft launch is off until someone (or the seed) turns it on. */
export async function readSystemConfig(
  store: SystemStore,
): Promise<SystemConfig & { updated_at: string | null }> {
  const rec = await store.config.get("system");
  return { soft_launch: rec?.soft_launch ?? false, updated_at: rec?.updated_at ?? null };
}
