import { actorRef } from "@valhalla/runtime";
import type { AuditLog } from "../../ops/audit-log.js";
import { principalOf } from "../exchange.js";
import type { Stage } from "../stage.js";

/** Turns a thrown error into the response the client gets (the host's problem mapping). @internal */
export type ErrorResponder = (err: unknown, x: import("../exchange.js").Exchange) => Response;

const ID_SEGMENT = /^[a-z]+_[A-Za-z0-9_-]+$/;

/**
 * `audit`: after the rest of the pipeline ran (or refused), append who did what to which record
 * and how it ended. Sits after `authorize`: calls refused for want of a credential are not the
 * caller's actions and are counted by the request log and metrics instead.
 * @internal
 */
export function auditStage(audit: AuditLog, toResponse: ErrorResponder): Stage {
  return {
    name: "audit",
    async run(x, next) {
      let res: Response;
      try {
        res = await next(x);
      } catch (err) {
        res = toResponse(err, x);
      }
      const status = res.status;
      const path = x.c.req.path;
      await audit.append({
        actor: actorRef(principalOf(x)),
        kind: "request",
        action: `${x.route.method} ${x.route.path}`,
        pack: x.route.pack,
        record_id: x.recordId ?? path.split("/").findLast((s) => ID_SEGMENT.test(s)) ?? null,
        outcome: status < 400 ? "success" : "failure",
        status,
        request_id: x.c.get("requestId") ?? null,
        detail: status === 202 ? "accepted: pending approval" : null,
      });
      return res;
    },
  };
}
