import type { OutboundGate } from "@valhalla/runtime";
import { readSystemConfig, type SystemStore } from "./system-store.js";

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
