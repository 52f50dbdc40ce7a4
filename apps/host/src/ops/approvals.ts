import {
  ConflictError,
  idParam,
  type OutboundGate,
  ProblemError,
  type Registry,
  type Stored,
} from "@valhalla/runtime";
import type { Hono } from "hono";
import * as v from "valibot";
import { type AuditLog, actorOf } from "./audit-log.js";
import { type Approval, readSystemConfig, type SystemStore } from "./system-store.js";

/**
 * The host's outbound gate: with soft launch off an action runs at once; with it on the action
 * becomes a pending approval (one per `key` while pending) that runs when approved.
 */
export function createOutboundGate(store: SystemStore): OutboundGate {
  return async ({ pack, kind, payload, options, run }) => {
    if (!(await readSystemConfig(store)).soft_launch) return { status: "done", result: await run() };
    if (options.key) {
      const pending = await store.approvals.list({
        where: { key: `${pack}:${options.key}`, status: "pending" },
        limit: 1,
      });
      if (pending.items[0]) return { status: "pending_approval", approval_id: pending.items[0].id };
    }
    const approval = await store.approvals.create({
      pack,
      kind,
      payload: { ...payload },
      summary: options.summary ?? null,
      record_id: options.recordId ?? null,
      key: options.key ? `${pack}:${options.key}` : null,
      status: "pending",
      decided_at: null,
      decided_by: null,
      result: null,
    });
    return { status: "pending_approval", approval_id: approval.id };
  };
}

const ListQuery = v.strictObject({
  status: v.optional(
    v.picklist(["pending", "approved", "rejected"], "must be pending, approved or rejected"),
  ),
  pack: v.optional(v.pipe(v.string(), v.maxLength(64))),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(400))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, "must be a whole number"),
      v.transform(Number),
      v.number(),
      v.minValue(1),
      v.maxValue(200),
    ),
  ),
});

/** Parse a query with a schema, or a 400 problem naming the fields. */
export function parseQuery<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const res = v.safeParse(schema, input);
  if (res.success) return res.output;
  const errors = res.issues.map((i) => {
    const field = v.getDotPath(i) ?? "query";
    return {
      pointer: `/query/${field}`,
      field,
      message: i.expected === "never" ? "is not a known field" : i.message,
    };
  });
  throw new ProblemError(
    400,
    "validation-failed",
    `Invalid query: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
    { errors },
  );
}

/** `GET /approvals`, `POST /approvals/:id/approve`, `POST /approvals/:id/reject`. */
export function mountApprovals(
  app: Hono,
  registry: Registry,
  store: SystemStore,
  audit: AuditLog,
  now: () => Date,
): void {
  app.get("/approvals", async (c) => {
    const q = parseQuery(ListQuery, c.req.query());
    return c.json(
      await store.approvals.list({
        where: { status: q.status, pack: q.pack },
        cursor: q.cursor,
        limit: q.limit,
      }),
    );
  });

  const decide = async (id: string, actor: string, approve: boolean): Promise<Stored<Approval>> => {
    if (!v.is(idParam, id)) throw new ProblemError(404, "not-found", "No such approval");
    const current = await store.approvals.require(id);
    if (current.status !== "pending") {
      throw new ProblemError(409, "approval-decided", `Approval '${id}' is already ${current.status}`);
    }
    let result: unknown = null;
    if (approve) {
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
    return store.approvals.update(id, {
      status: approve ? "approved" : "rejected",
      decided_by: actor,
      decided_at: now().toISOString(),
      result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  };

  app.post("/approvals/:id/approve", async (c) => c.json(await decide(c.req.param("id"), actorOf(c), true)));
  app.post("/approvals/:id/reject", async (c) => c.json(await decide(c.req.param("id"), actorOf(c), false)));
}
