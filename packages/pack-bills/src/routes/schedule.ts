import { isoDate, queryInt, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import {
  EstimateResponse,
  PushRemindersResponse,
  RemindersResponse,
  UpcomingResponse,
} from "../responses.js";
import { monthlyEstimate, pushReminders, remindersSince, todayOf, upcomingPage } from "../service.js";
import type { BillsContext } from "../storage.js";

const route = routeFor<BillsContext>();

/** `YYYY-MM` between 1900 and 2999. */
export const monthParam = v.pipe(
  v.string(),
  v.regex(/^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/, "must be a month in YYYY-MM form"),
);

export const listUpcoming = route({
  method: "GET",
  path: "/upcoming",
  summary: "Open occurrences due from today through `days` ahead (default 30), soonest first",
  scope: "read",
  query: v.strictObject({ days: v.optional(queryInt(0, 800)), limit: v.optional(queryInt(1, 500)) }),
  response: { status: 200, schema: UpcomingResponse },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const page = await upcomingPage(ctx, { days: query.days ?? 30, limit: query.limit ?? 50 });
    return { as_of: todayOf(ctx), items: page.items, has_more: page.more };
  },
});

export const pushRemindersRoute = route({
  method: "POST",
  path: "/push_reminders",
  summary:
    "Create reminders for occurrences due within days_ahead (idempotent per bill, occurrence and lead time)",
  scope: "write",
  query: v.strictObject({ days_ahead: v.optional(queryInt(0, 90)) }),
  response: { status: 200, schema: PushRemindersResponse },
  errors: [400],
  handler: async ({ query, ctx }) => pushReminders(ctx, query.days_ahead ?? 7),
});

export const listReminders = route({
  method: "GET",
  path: "/reminders",
  summary: "Reminders created on or after `since` (default today)",
  scope: "read",
  query: v.strictObject({ since: v.optional(isoDate) }),
  response: { status: 200, schema: RemindersResponse },
  errors: [400],
  handler: async ({ query, ctx }) => ({ items: await remindersSince(ctx, query.since ?? todayOf(ctx)) }),
});

export const getEstimate = route({
  method: "GET",
  path: "/estimate",
  summary:
    "Expected bill outflow of a month per currency (default: this month), with the first `limit` items (default 100) soonest first",
  scope: "read",
  query: v.strictObject({ month: v.optional(monthParam), limit: v.optional(queryInt(1, 5000)) }),
  response: { status: 200, schema: EstimateResponse },
  // The totals cover every bill; the item list is capped so the answer stays a summary.
  errors: [400],
  handler: ({ query, ctx }) =>
    monthlyEstimate(ctx, query.month ?? todayOf(ctx).slice(0, 7), query.limit ?? 100),
});
