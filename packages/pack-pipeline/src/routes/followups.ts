import { idParam, ProblemError, queryInt, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { dailyTick } from "../daily-tick.js";
import { CompleteFollowupResponse, DailyTickResponse } from "../responses.js";
import { CompleteFollowupBody, ListFollowupsQuery } from "../schemas.js";
import { completeFollowup } from "../service.js";
import type { PipelineContext } from "../storage.js";

const route = routeFor<PipelineContext>();

export const listFollowups = route({
  method: "GET",
  path: "/followups",
  summary: "List follow-ups (filters: deal_id, status, due_by)",
  scope: "read",
  query: ListFollowupsQuery,
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
