import { routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { spendingCsv, spendingReport } from "../reports/spending-report.js";
import { SpendingReportResponse } from "../response-schemas.js";
import { monthString } from "../schemas.js";
import { fieldProblem } from "../service.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();
const MAX_MONTHS = 36;

const monthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7)) +
  1;

/** `GET /budget/reports/spending` (see its summary). */
export const spendingReportRoute = route({
  method: "GET",
  path: "/reports/spending",
  summary: "Spending by bucket and category per month, income vs expense (`format=csv` downloads text/csv)",
  description: `Read from the ledger itself, so it matches it to the cent; transfers are neither income nor expense. At most ${MAX_MONTHS} months.`,
  scope: "read",
  query: v.strictObject({
    from: monthString,
    to: monthString,
    format: v.optional(v.picklist(["json", "csv"], "must be json or csv"), "json"),
  }),
  response: { status: 200, schema: SpendingReportResponse },
  errors: [],
  handler: async ({ query, ctx }) => {
    if (query.to < query.from)
      throw fieldProblem(400, "validation-failed", "to", "must not be before from", "query");
    if (monthsBetween(query.from, query.to) > MAX_MONTHS)
      throw fieldProblem(
        400,
        "validation-failed",
        "to",
        `must be at most ${MAX_MONTHS} months after from`,
        "query",
      );
    const report = await spendingReport(ctx, query.from, query.to);
    if (query.format === "json") return report;
    return new Response(spendingCsv(report), {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="spending-${query.from}-${query.to}.csv"`,
      },
    });
  },
});
