import { idParam, pageQuery, principalLabel, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { logActivity } from "../deals-api.js";
import { ActivityBody, ActivityPage, ActivityRecord } from "../schemas.js";
import type { WholesaleContext } from "../storage.js";

const route = routeFor<WholesaleContext>();
const IdParams = v.object({ id: idParam });

export const addActivity = route({
  method: "POST",
  path: "/:id/activities",
  summary: "Log an activity on a deal (append-only; the actor is the caller)",
  scope: "write",
  params: IdParams,
  body: ActivityBody,
  response: { status: 201, schema: ActivityRecord, description: "The logged activity" },
  errors: [400, 404],
  handler: async ({ params, body, ctx, principal }) => {
    await ctx.storage.deals.require(params.id);
    const entry = await logActivity(ctx, params.id, { ...body, actor: principalLabel(principal) });
    return reply(201, entry, { location: `/wholesale/${params.id}/activities` });
  },
});

export const listActivities = route({
  method: "GET",
  path: "/:id/activities",
  summary: "A deal's activity log, oldest first",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  response: { status: 200, schema: ActivityPage, description: "One page of the log, oldest first" },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.deals.require(params.id);
    return ctx.storage.activities.list({
      where: { deal_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
      order: "asc",
    });
  },
});
