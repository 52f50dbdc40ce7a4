import { addDays, idParam, isoDate, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { recurringSuggestions } from "../recurring.js";
import { RecurringResponse } from "../response-schemas.js";
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
