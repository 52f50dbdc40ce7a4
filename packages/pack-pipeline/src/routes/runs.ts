import { idParam, ProblemError, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { applyApprovalRejected, assertNotCancelled } from "../apply-sent.js";
import { newFollowup, stopDealFollowups } from "../followup-chain.js";
import { ApprovalRejectedResponse, RunDealResponse, RunResponse, RunsPage } from "../responses.js";
import { ApprovalRejectedBody, ListRunsQuery, MarkSentBody, RunDealBody } from "../schemas.js";
import {
  configOf,
  draftRun,
  INACTIVE_STAGES,
  missingFieldsWarning,
  moneyField,
  pickTemplate,
  requireDeal,
} from "../service.js";
import type { PipelineContext } from "../storage.js";

const route = routeFor<PipelineContext>();
const IdParams = v.object({ id: idParam });

export const runDeal = route({
  method: "POST",
  path: "/deal/:dealId/run",
  summary: "Draft a message for a deal and schedule its follow-up",
  description:
    "Builds a draft from a template and the deal, and creates a follow-up due in `followup_days` (config default). `offer_price` is the offer quoted to the seller (`{{deal.offer_price}}`), kept for the whole chain. An earlier open follow-up chain of the deal is superseded.",
  scope: "write",
  params: v.object({ dealId: idParam }),
  body: RunDealBody,
  response: { status: 201, schema: RunDealResponse },
  errors: [400, 404, 409, 422],
  handler: async ({ params, body, ctx }) => {
    const deal = await requireDeal(ctx, params.dealId);
    if (INACTIVE_STAGES.has(deal.stage)) {
      throw new ProblemError(
        409,
        "deal-inactive",
        `Deal '${deal.id}' is ${deal.stage}; nothing to follow up`,
      );
    }
    const channel = body.channel ?? "sms";
    const { template, warnings } = await pickTemplate(ctx, {
      template_id: body.template_id,
      channel,
      tone: body.tone,
    });
    if (!template) {
      throw body.template_id
        ? new ProblemError(422, "unknown-template", `No template '${body.template_id}'`, {
            errors: [
              { pointer: "/body/template_id", field: "template_id", message: "is not a saved template" },
            ],
          })
        : new ProblemError(422, "no-template", `No active ${channel} template; create one first`, {
            errors: [{ pointer: "/body/channel", field: "channel", message: `has no active template` }],
          });
    }
    const days = body.followup_days ?? configOf(ctx).followup_days;
    const offer =
      body.offer_price === undefined
        ? null
        : moneyField("offer_price", body.offer_price, deal.currency ?? "USD");
    const followup = await newFollowup(ctx, deal, {
      days,
      sequence: 1,
      parent_id: null,
      channel: template.channel,
      tone: template.tone,
      offer_price_minor: offer,
    });
    // One chain per deal: a fresh manual run replaces whatever was still scheduled.
    await stopDealFollowups(ctx, deal.id, "superseded", followup.id);
    const run = await ctx.storage.runs.create(
      draftRun(
        ctx,
        deal,
        template,
        {
          origin: "manual",
          for_followup_id: null,
          next_followup_id: followup.id,
        },
        offer,
      ),
    );
    return reply(
      201,
      { run, followup, warnings: [...warnings, ...missingFieldsWarning(run.missing_fields)] },
      { location: `/pipeline/runs/${run.id}` },
    );
  },
});

export const listRuns = route({
  method: "GET",
  path: "/runs",
  summary: "List runs (filters: deal_id, send_status)",
  scope: "read",
  query: ListRunsQuery,
  response: { status: 200, schema: RunsPage },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.runs.list({ where, cursor, limit });
  },
});

export const getRun = route({
  method: "GET",
  path: "/runs/:id",
  summary: "Get a run",
  scope: "read",
  params: IdParams,
  errors: [404],
  response: { status: 200, schema: RunResponse },
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.runs.require(params.id)),
});

export const markSent = route({
  method: "POST",
  path: "/runs/:id/sent",
  summary:
    "Record that a run was sent, with channel and result (idempotent; an approval in soft-launch mode)",
  description:
    "Records a send the user made themselves, at any hour: quiet hours only decide a draft's `send_after`. `sent_at` (ISO instant, not in the future) says when it went out; default now. Outbound: in soft-launch mode this answers 202 with an approval id and acts when approved. 409 `already-sent` for a different result, `run-cancelled` for a cancelled draft.",
  scope: "write",
  params: IdParams,
  body: MarkSentBody,
  response: {
    status: 200,
    schema: RunResponse,
    description: "The run, marked sent (202 `{ status, approval_id, run }` in soft-launch mode)",
  },
  errors: [400, 404, 409],
  handler: async ({ params, body, ctx }) => {
    const run = await ctx.storage.runs.require(params.id);
    // 409 run-cancelled: its deal died, closed or replied, or a new run superseded its chain.
    if (run.send_status === "sent") {
      if (run.sent_channel === body.channel && run.result === body.result) return replyRecord(200, run);
      throw new ProblemError(
        409,
        "already-sent",
        `Run '${run.id}' was already marked sent via ${run.sent_channel} (${run.result})`,
      );
    }
    assertNotCancelled(run);
    const sentAt = body.sent_at === undefined ? undefined : new Date(body.sent_at);
    if (sentAt && sentAt.getTime() > ctx.now().getTime()) {
      throw new ProblemError(400, "validation-failed", "Invalid body: 'sent_at' must not be in the future", {
        errors: [{ pointer: "/body/sent_at", field: "sent_at", message: "must not be in the future" }],
      });
    }
    const outcome = await ctx.outbound(
      "mark-sent",
      {
        run_id: run.id,
        channel: body.channel,
        result: body.result,
        ...(sentAt ? { sent_at: sentAt.toISOString() } : {}),
      },
      {
        key: `mark-sent:${run.id}`,
        recordId: run.id,
        summary: `Mark ${run.channel} run ${run.id} for deal ${run.deal_id} sent via ${body.channel} (${body.result})`,
      },
    );
    if (outcome.status === "pending_approval") {
      const pending = await ctx.storage.runs.update(run.id, {
        send_status: "pending_approval",
        approval_id: outcome.approval_id,
      });
      return reply(202, { status: "pending_approval", approval_id: outcome.approval_id, run: pending });
    }
    return replyRecord(200, await ctx.storage.runs.require(run.id));
  },
});

export const approvalRejected = route({
  method: "POST",
  path: "/runs/:id/approval_rejected",
  summary: "Tell the pipeline the approval a run's 'mark sent' waited on was rejected",
  description:
    "Called by the host when it rejects a `mark-sent` approval (or by an operator): the run becomes `rejected` with `reject_reason`, and the follow-up it answered lets go of it so the next daily tick drafts a new one. Idempotent for the same approval; 409 `approval-mismatch` when the run is not waiting on `approval_id`.",
  scope: "write",
  params: IdParams,
  body: ApprovalRejectedBody,
  response: { status: 200, schema: ApprovalRejectedResponse },
  errors: [400, 404, 409],
  handler: async ({ params, body, ctx }) =>
    applyApprovalRejected(ctx, { run_id: params.id, approval_id: body.approval_id, reason: body.reason }),
});
