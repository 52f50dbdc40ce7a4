import { idParam, ProblemError, queryInt, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { dailyTick } from "../daily-tick.js";
import { completeFollowup, newFollowup, stopDealFollowups } from "../followup-chain.js";
import {
  CompleteFollowupResponse,
  DailyTickResponse,
  FollowupResponse,
  FollowupsPage,
} from "../responses.js";
import { CompleteFollowupBody, CreateFollowupBody, ListFollowupsQuery } from "../schemas.js";
import { configOf, INACTIVE_STAGES, moneyField, requireDeal, today } from "../service.js";
import type { PipelineContext } from "../storage.js";

const route = routeFor<PipelineContext>();

export const createFollowup = route({
  method: "POST",
  path: "/followups",
  summary: "Create a deal follow-up or a personal reminder without a deal",
  description:
    '`kind: "deal"` schedules a follow-up of a deal (due `due_date`, default today + `followup_days`) that the daily tick drafts from a `channel`/`tone` template; it supersedes the deal\'s open chain (one chain per deal). `kind: "reminder"` is a personal reminder (`title`, `due_date`, `notes`) listed in the brief when due and closed with `/complete`. `due_date` may not be before today.',
  scope: "write",
  body: CreateFollowupBody,
  response: { status: 201, schema: FollowupResponse },
  errors: [400, 404, 409],
  handler: async ({ body, ctx }) => {
    const day = today(ctx);
    if (body.due_date !== undefined && body.due_date < day) {
      throw new ProblemError(400, "validation-failed", `Invalid body: 'due_date' must be ${day} or later`, {
        errors: [{ pointer: "/body/due_date", field: "due_date", message: `must be ${day} or later` }],
      });
    }
    const fu = body.kind === "reminder" ? await newReminder(ctx, body) : await newDealFollowup(ctx, body);
    return replyRecord(201, fu, { location: `/pipeline/followups/${fu.id}` });
  },
});

/** A personal reminder: no deal, nothing drafted, listed in the brief when due. */
function newReminder(ctx: PipelineContext, body: Extract<CreateFollowupBody, { kind: "reminder" }>) {
  return ctx.storage.followups.create({
    deal_id: null,
    source: "reminder",
    source_id: null,
    title: body.title,
    due_date: body.due_date,
    status: "open",
    stop_reason: null,
    sequence: 1,
    interval_days: 0,
    channel: "call_note",
    tone: "friendly",
    parent_id: null,
    draft_run_id: null,
    completed_at: null,
    redrafts: 0,
    offer_price_minor: null,
    notes: body.notes,
  });
}

/** A deal follow-up started by hand: the head of a new chain, superseding the open one. */
async function newDealFollowup(ctx: PipelineContext, body: Extract<CreateFollowupBody, { kind: "deal" }>) {
  const deal = await requireDeal(ctx, body.deal_id);
  if (INACTIVE_STAGES.has(deal.stage)) {
    throw new ProblemError(409, "deal-inactive", `Deal '${deal.id}' is ${deal.stage}; nothing to follow up`);
  }
  const offer =
    body.offer_price === undefined
      ? null
      : moneyField("offer_price", body.offer_price, deal.currency ?? "USD");
  const fu = await newFollowup(ctx, deal, {
    days: configOf(ctx).followup_days,
    sequence: 1,
    parent_id: null,
    channel: body.channel,
    tone: body.tone,
    offer_price_minor: offer,
    due_date: body.due_date,
    title: body.title,
    notes: body.notes,
  });
  await stopDealFollowups(ctx, deal.id, "superseded", fu.id);
  return fu;
}

export const listFollowups = route({
  method: "GET",
  path: "/followups",
  summary: "List follow-ups (filters: deal_id, status, due_by)",
  scope: "read",
  query: ListFollowupsQuery,
  response: { status: 200, schema: FollowupsPage },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, due_by, ...where } = query;
    const page = await ctx.storage.followups.list({ where, cursor, limit, order: "asc" });
    return due_by ? { ...page, items: page.items.filter((f) => f.due_date <= due_by) } : page;
  },
});

export const getFollowup = route({
  method: "GET",
  path: "/followups/:id",
  summary: "Get a follow-up",
  scope: "read",
  params: v.object({ id: idParam }),
  errors: [404],
  response: { status: 200, schema: FollowupResponse },
  handler: async ({ params, ctx }) => ctx.storage.followups.require(params.id),
});

export const completeFollowupRoute = route({
  method: "POST",
  path: "/followups/:id/complete",
  summary: "Complete a follow-up; chains the next unless replied, deal dead/closed or sequence done",
  scope: "write",
  params: v.object({ id: idParam }),
  body: CompleteFollowupBody,
  response: { status: 200, schema: CompleteFollowupResponse },
  errors: [400, 404, 409],
  handler: async ({ params, body, ctx }) => {
    const current = await ctx.storage.followups.require(params.id);
    const out = await completeFollowup(ctx, current.id, { replied: body.replied });
    if (!out)
      throw new ProblemError(
        409,
        "followup-closed",
        `Follow-up '${current.id}' is already ${current.status}`,
      );
    return out;
  },
});

export const dailyTickRoute = route({
  method: "POST",
  path: "/daily_tick",
  summary: "Run the daily tick now (same code as the job): import reminders, draft due follow-ups",
  scope: "write",
  query: v.strictObject({ limit: v.optional(queryInt(1, 500)) }),
  response: { status: 200, schema: DailyTickResponse },
  errors: [400],
  handler: async ({ query, ctx }) => dailyTick(ctx, query.limit === undefined ? {} : { limit: query.limit }),
});
