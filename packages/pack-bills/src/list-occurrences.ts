import { addDays, daysBetween, type Stored } from "@valhalla/runtime";
import type * as v from "valibot";
import { expectedMinor, formatAmount } from "./amount-due.js";
import { configOf } from "./config-of.js";
import { type Occurrence, occurrencesBetween } from "./due-dates.js";
import {
  graceOf,
  type OccurrenceStatus,
  occurrenceStatus,
  type StatusSettings,
} from "./occurrence-status.js";
import type { OccurrenceView } from "./responses.js";
import type { Bill } from "./schemas.js";
import { fieldProblem, todayOf } from "./service.js";
import type { BillsContext } from "./storage.js";

/** One occurrence as `GET /bills/:id/occurrences` shows it. */
export type OccurrenceRow = v.InferOutput<typeof OccurrenceView>;

/** Longest period one listing covers: three years. */
export const MAX_SPAN_DAYS = 1096;

const STATUS_WORDS: Record<OccurrenceStatus, string> = {
  upcoming: "upcoming",
  due: "due today",
  overdue: "overdue",
  missed: "missed",
  paid: "paid",
  partly_paid: "partly paid",
  skipped: "skipped",
};

/** An occurrence of `b` with its status on `today`, amounts in minor units and in words. */
export function occurrenceView(
  b: Stored<Bill>,
  o: Occurrence,
  today: string,
  settings: StatusSettings,
): OccurrenceRow {
  const { status, timing, settlement: s } = occurrenceStatus(b, o, today, settings);
  const money = (m: number) => formatAmount(m, b.currency);
  const detail =
    status === "skipped"
      ? ""
      : status === "partly_paid"
        ? `, ${money(s.paid_minor)} of ${money(s.amount_due_minor)} paid, ${money(s.remaining_minor)} left`
        : status === "paid"
          ? `, ${money(s.paid_minor)} paid${s.overpaid_minor > 0 ? ` (${money(s.overpaid_minor)} over)` : ""}`
          : `, ${money(s.amount_due_minor)} owed`;
  return {
    bill_id: b.id,
    name: b.name,
    nominal_date: o.nominal,
    due_date: o.due,
    status,
    timing,
    tracked: o.due >= b.tracked_from,
    days_until: daysBetween(today, o.due),
    grace_until: addDays(o.due, graceOf(b, settings)),
    amount_due_minor: s.amount_due_minor,
    expected_minor: expectedMinor(b),
    paid_minor: s.paid_minor,
    remaining_minor: status === "skipped" ? 0 : s.remaining_minor,
    overpaid_minor: s.overpaid_minor,
    currency: b.currency,
    label: `${b.name} due ${o.due}: ${STATUS_WORDS[status]}${detail}`,
  };
}

/**
 * Every occurrence of one bill due in [from, to] (skipped ones too) with its status, by due date.
 * Past occurrences are listed whatever the bill's `tracked_from`; `tracked` tells which count
 * towards overdue and missed. Defaults: the last 90 days through the next 90.
 */
export function listOccurrences(
  ctx: BillsContext,
  bill: Stored<Bill>,
  query: { from?: string | undefined; to?: string | undefined; status?: OccurrenceStatus | undefined },
) {
  const today = todayOf(ctx);
  const settings = configOf(ctx);
  const from = query.from ?? addDays(query.to ?? today, -90);
  const to = query.to ?? addDays(query.from ?? today, 90);
  if (from > to) throw fieldProblem("to", `must be on or after from (${from})`, "query");
  if (daysBetween(from, to) > MAX_SPAN_DAYS)
    throw fieldProblem("to", `must be at most ${MAX_SPAN_DAYS} days after from (${from})`, "query");
  const items = occurrencesBetween(bill, from, to)
    .map((o) => occurrenceView(bill, o, today, settings))
    .filter((o) => query.status === undefined || o.status === query.status);
  return { bill_id: bill.id, as_of: today, from, to, grace_days: graceOf(bill, settings), items };
}
