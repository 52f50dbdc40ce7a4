import { idParam, isoDate, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { listOccurrences } from "../list-occurrences.js";
import { OCCURRENCE_STATUSES } from "../occurrence-status.js";
import { OccurrencesResponse, OverdueResponse } from "../responses.js";
import { overdue, todayOf } from "../service.js";
import type { BillsContext } from "../storage.js";

const route = routeFor<BillsContext>();

/** `GET /bills/overdue`: what is late but not yet missed, for reminders and the brief. */
export const listOverdue = route({
  method: "GET",
  path: "/overdue",
  summary:
    "Occurrences past due but within their grace period and not paid in full (partly paid ones included), oldest first",
  scope: "read",
  query: v.strictObject({}),
  response: { status: 200, schema: OverdueResponse },
  errors: [400],
  handler: async ({ ctx }) => ({ as_of: todayOf(ctx), items: await overdue(ctx) }),
});

/** `GET /bills/:id/occurrences`: one bill's occurrences of any period, each with its status. */
export const listBillOccurrences = route({
  method: "GET",
  path: "/:id/occurrences",
  summary:
    "Every occurrence of a bill due from `from` through `to` (default: 90 days either side of today) with its status: upcoming, due, overdue, missed, paid, partly_paid or skipped",
  scope: "read",
  params: v.object({ id: idParam }),
  query: v.strictObject({
    from: v.optional(isoDate),
    to: v.optional(isoDate),
    status: v.optional(v.picklist(OCCURRENCE_STATUSES, `must be one of ${OCCURRENCE_STATUSES.join(", ")}`)),
  }),
  response: { status: 200, schema: OccurrencesResponse },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) =>
    listOccurrences(ctx, await ctx.storage.bills.require(params.id), query),
});
