import {
  type ActorRef,
  actorRef,
  ConflictError,
  idParam,
  type Logger,
  ProblemError,
  pageQuery,
  type Registry,
  route,
  type Stored,
} from "@valhalla/runtime";
import * as v from "valibot";
import type { AuditLog } from "../ops/audit-log.js";
import { Approval, type SystemStore } from "../ops/system-store.js";
import { type HostRoute, pageOf, stored } from "./schemas.js";

const ApprovalOut = v.object({ ...stored, ...Approval.entries });

const IdParams = v.object({ id: idParam });

/**
 * `GET /approvals`, `POST /approvals/:id/approve`, `POST /approvals/:id/reject`: soft launch's
 * queue of outbound actions. `decided_by` is the caller's principal.
 * @internal
 */
export function approvalRoutes(deps: {
  registry: () => Registry;
  log: Logger;
  store: SystemStore;
  audit: AuditLog;
  now: () => Date;
}): HostRoute[] {
  const { store, audit, now } = deps;

  const decide = async (id: string, actor: ActorRef, approve: boolean): Promise<Stored<Approval>> => {
    const current = await store.approvals.require(id);
    if (current.status !== "pending") {
      throw new ProblemError(409, "approval-decided", `Approval '${id}' is already ${current.status}`);
    }
    let result: unknown = null;
    if (approve) {
      const registry = deps.registry();
      const pack = registry.packs.find((p) => p.code === current.pack);
      const handler = pack?.outbound?.[current.kind];
      if (!pack || !handler) {
        throw new ProblemError(
          409,
          "approval-orphaned",
          `Pack '${current.pack}' no longer offers '${current.kind}'`,
        );
      }
      // Claim first (ifRev), act second: two concurrent approvals cannot both run the action.
      let claimed: Stored<Approval>;
      try {
        claimed = await store.approvals.update(
          id,
          { status: "approved", decided_by: actor, decided_at: now().toISOString() },
          { ifRev: current.rev },
        );
      } catch (err) {
        if (err instanceof ConflictError) {
          throw new ProblemError(409, "approval-decided", `Approval '${id}' is being decided concurrently`);
        }
        throw err;
      }
      try {
        result = await handler(registry.context(current.pack), current.payload);
      } catch (err) {
        // The action refused (e.g. quiet hours): back to pending so it can be approved later.
        await store.approvals.update(
          id,
          { status: "pending", decided_by: null, decided_at: null },
          { ifRev: claimed.rev },
        );
        throw err;
      }
      await audit.append({
        actor,
        kind: "approval",
        action: `${current.pack}:${current.kind}`,
        pack: current.pack,
        record_id: current.record_id,
        outcome: "success",
        status: null,
        request_id: null,
        detail: `approved ${id}`,
      });
    }
    const decided = await store.approvals.update(id, {
      status: approve ? "approved" : "rejected",
      decided_by: actor,
      decided_at: now().toISOString(),
      result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
    if (!approve) await tellRejected(current);
    return decided;
  };

  /**
   * A pack may declare `outbound["<kind>:rejected"]` to hear that an action it queued will never
   * run (pipeline frees the draft waiting on it). Its refusal is logged, not the caller's problem:
   * the rejection itself is already recorded.
   */
  const tellRejected = async (approval: Stored<Approval>) => {
    const registry = deps.registry();
    const hook = registry.packs.find((p) => p.code === approval.pack)?.outbound?.[
      `${approval.kind}:rejected`
    ];
    if (!hook) return;
    try {
      await hook(registry.context(approval.pack), {
        ...approval.payload,
        approval_id: approval.id,
        reason: null,
      });
    } catch (err) {
      deps.log.warn("approval rejection hook failed", {
        pack: approval.pack,
        approval_id: approval.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };

  const decision = (approve: boolean) =>
    route({
      method: "POST",
      path: `/approvals/:id/${approve ? "approve" : "reject"}`,
      summary: approve ? "Approve: run the waiting action now" : "Reject: the action never runs",
      scope: "admin",
      params: IdParams,
      response: { status: 200, schema: ApprovalOut },
      errors: [401, 403, 404, 409],
      handler: ({ params, principal }) => decide(params.id, actorRef(principal), approve),
    });

  return [
    route({
      method: "GET",
      path: "/approvals",
      summary: "Outbound actions waiting for (or past) a decision",
      scope: "admin",
      query: v.strictObject({
        status: v.optional(
          v.picklist(["pending", "approved", "rejected"], "must be pending, approved or rejected"),
        ),
        pack: v.optional(v.pipe(v.string(), v.maxLength(64))),
        ...pageQuery,
      }),
      response: { status: 200, schema: pageOf(ApprovalOut) },
      errors: [400, 401, 403],
      handler: ({ query: { status, pack, cursor, limit } }) =>
        store.approvals.list({ where: { status, pack }, cursor, limit }),
    }),
    decision(true),
    decision(false),
  ];
}
