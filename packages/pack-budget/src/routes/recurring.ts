import { addDays, idParam, isoDate, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { acceptRecurring } from "../accept-recurring.js";
import { recurringSuggestions } from "../recurring.js";
import { AcceptRecurringResponse, RecurringResponse } from "../response-schemas.js";
import { AcceptRecurringBody } from "../schemas.js";
import { todayOf } from "../service.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();

/** `GET /budget/recurring-suggestions` (see its summary). */
export const recurringRoute = route({
  method: "GET",
  path: "/recurring-suggestions",
  summary: "Payees that look recurring among imported entries: same payee, regular interval, stable amount",
  description:
    "Three or more occurrences whose every gap fits one cadence (weekly, biweekly, monthly, quarterly, yearly) and whose amounts stay within 10 % of their median. `since` defaults to 400 days ago. Suggestions only: nothing is created.",
  scope: "read",
  query: v.strictObject({ since: v.optional(isoDate), account_id: v.optional(idParam) }),
  response: { status: 200, schema: RecurringResponse },
  errors: [404],
  handler: async ({ query, ctx }) => ({
    items: await recurringSuggestions(ctx, query.since ?? addDays(todayOf(ctx), -400), query.account_id),
  }),
});

/** `POST /budget/recurring-suggestions/accept` (see its summary). */
export const acceptRecurringRoute = route({
  method: "POST",
  path: "/recurring-suggestions/accept",
  summary:
    "Accept a recurring suggestion in one call: the bills pack registers the bill, and it is linked to the entries' bucket so the next statement settles it",
  description:
    "Name the suggestion by any of its `entry_ids`. The bill takes the suggestion's cadence, amount (a range when the amounts varied), currency and the merchant part of the payee; it is tracked from the day after the last payment, so past payments are history. 409 `bill-exists` when a bill already has that payee. `link: false` registers the bill without linking it.",
  scope: "write",
  body: AcceptRecurringBody,
  response: { status: 201, schema: AcceptRecurringResponse },
  errors: [400, 404, 409, 422],
  handler: async ({ body, ctx }) => {
    const accepted = await acceptRecurring(ctx, body);
    return reply(201, accepted, { location: `/bills/${accepted.bill.id}` });
  },
});
