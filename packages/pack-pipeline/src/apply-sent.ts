import { ProblemError, type Stored } from "@valhalla/runtime";
import { completeFollowup, stopDealFollowups } from "./followup-chain.js";
import type { Channel, Followup, Run, SEND_RESULTS } from "./schemas.js";
import type { PipelineContext } from "./storage.js";

/**
 * What became of a draft after it was written: recorded as sent, or its approval rejected.
 * @module
 */

type SendResult = (typeof SEND_RESULTS)[number];

/** Refuse to act on a run whose draft was cancelled, or whose approval was rejected. */
export function assertNotCancelled(run: Stored<Run>): void {
  if (run.send_status === "rejected") {
    throw new ProblemError(
      409,
      "run-rejected",
      `Run '${run.id}' was rejected in approval '${run.approval_id}'; draft a new one`,
      { approval_id: run.approval_id, reject_reason: run.reject_reason ?? null },
    );
  }
  if (run.send_status === "cancelled") {
    throw new ProblemError(
      409,
      "run-cancelled",
      `Run '${run.id}' was cancelled (${run.cancel_reason ?? "no reason"}); draft a new one`,
      { cancel_reason: run.cancel_reason ?? null },
    );
  }
}

const ALREADY_SENT = Symbol("already-sent");

/**
 * The outbound action behind "mark sent": record that the user sent the draft themselves — at any
 * hour: quiet hours shape when a draft is scheduled (`send_after`), never the record of a send
 * that already happened — with channel and result on the run, complete the
 * follow-up it answered (which chains the next one), and stop the chain on a reply. Idempotent.
 */
export async function applySent(
  ctx: PipelineContext,
  payload: { run_id: string; channel: Channel; result: SendResult; sent_at?: string | undefined },
): Promise<Stored<Run>> {
  const current = await ctx.storage.runs.require(payload.run_id);
  if (current.send_status === "sent") return current;
  assertNotCancelled(current);
  let run: Stored<Run>;
  try {
    run = await ctx.storage.runs.update(payload.run_id, (cur) => {
      if (cur.send_status === "sent") throw ALREADY_SENT;
      assertNotCancelled(cur);
      const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
      return {
        ...data,
        send_status: "sent",
        sent_at: payload.sent_at ?? ctx.now().toISOString(),
        sent_channel: payload.channel,
        result: payload.result,
      };
    });
  } catch (err) {
    if (err === ALREADY_SENT) return ctx.storage.runs.require(payload.run_id);
    throw err;
  }
  const replied = payload.result === "replied";
  if (run.for_followup_id) await completeFollowup(ctx, run.for_followup_id, { replied });
  else if (replied) await stopDealFollowups(ctx, run.deal_id, "replied");
  return run;
}

const NOT_PENDING = Symbol("not-pending");

/**
 * The approval a run's "mark sent" waited on was rejected: the run becomes `rejected` (kept, with
 * `rejected_at` and `reject_reason`), and the follow-up it answered lets go of it so the next daily
 * tick drafts a new one. Idempotent for the same approval.
 * @throws ProblemError 409 `approval-mismatch` when the run is not waiting on that approval
 */
export async function applyApprovalRejected(
  ctx: PipelineContext,
  payload: { run_id: string; approval_id: string; reason?: string | null | undefined },
): Promise<{ run: Stored<Run>; followup: Stored<Followup> | null }> {
  const mismatch = (run: Stored<Run>) =>
    new ProblemError(
      409,
      "approval-mismatch",
      `Run '${run.id}' is ${run.send_status}, not waiting on approval '${payload.approval_id}'`,
      { send_status: run.send_status, approval_id: run.approval_id },
    );
  const current = await ctx.storage.runs.require(payload.run_id);
  if (current.approval_id !== payload.approval_id) throw mismatch(current);
  let run = current;
  if (current.send_status !== "rejected") {
    if (current.send_status !== "pending_approval") throw mismatch(current);
    try {
      run = await ctx.storage.runs.update(current.id, (cur) => {
        if (cur.send_status !== "pending_approval" || cur.approval_id !== payload.approval_id)
          throw NOT_PENDING;
        const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
        return {
          ...data,
          send_status: "rejected",
          rejected_at: ctx.now().toISOString(),
          reject_reason: payload.reason ?? null,
        };
      });
    } catch (err) {
      if (err !== NOT_PENDING) throw err;
      run = await ctx.storage.runs.require(current.id);
      if (run.send_status !== "rejected" || run.approval_id !== payload.approval_id) throw mismatch(run);
    }
  }
  if (!run.for_followup_id) return { run, followup: null };
  const followup = await ctx.storage.followups.update(run.for_followup_id, (cur) => {
    const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
    // Only the follow-up still holding this draft lets go (a retry after success changes nothing).
    if (cur.draft_run_id !== run.id) return data;
    return { ...data, draft_run_id: null, redrafts: (cur.redrafts ?? 0) + 1 };
  });
  return { run, followup };
}
