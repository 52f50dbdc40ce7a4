import type { BriefSection } from "@valhalla/runtime";
import { missed, obligationLabel, overdue, upcoming } from "./service.js";
import type { BillsContext } from "./storage.js";

/**
 * The bills section of the daily brief: occurrences overdue within their grace period first
 * (the ones a reminder matters most for), then the week's upcoming ones, then the missed count.
 * Labels carry formatted amounts ("Rent due 2026-12-01 — 1,500.00 USD"); `value` stays in
 * minor units: what is still owed for overdue items, the expected amount for upcoming ones.
 */
export async function billsBrief(ctx: BillsContext): Promise<BriefSection> {
  const late = await overdue(ctx);
  const soon = await upcoming(ctx, { days: 7, limit: 10 });
  const gone = await missed(ctx, { lookbackDays: 90 });
  return {
    title: "Bills",
    items: [
      ...late.map((o) => ({
        label: obligationLabel(o, `overdue since ${o.due_date} (grace until ${o.grace_until})`),
        value: o.remaining_minor,
        href: `/bills/${o.bill_id}/occurrences?from=${o.due_date}&to=${o.due_date}`,
      })),
      ...soon.map((o) => ({
        label: obligationLabel(o, o.status === "due" ? `due today (${o.due_date})` : `due ${o.due_date}`),
        value: o.expected_minor,
        href: `/bills/${o.bill_id}`,
      })),
      { label: "Missed", value: gone.length, href: "/bills/missed" },
    ],
    data: { overdue: late, upcoming: soon, missed: gone },
  };
}
