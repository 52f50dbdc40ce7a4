import { addDays } from "@valhalla/runtime";
import { amountDueMinor, ceilingMinor } from "./amount-due.js";
import type { Occurrence } from "./due-dates.js";
import type { Bill, VariablePaidAt } from "./schemas.js";

/**
 * Every occurrence has exactly one status. By date, while nothing is paid: `upcoming` (due after
 * today), `due` (today), `overdue` (past due, within the grace period), `missed` (past the grace
 * period). Payments decide the rest: `paid` once they reach the amount due, `partly_paid` before
 * that. A `skipped` occurrence is owed nothing.
 */
export const OCCURRENCE_STATUSES = [
  "upcoming",
  "due",
  "overdue",
  "missed",
  "paid",
  "partly_paid",
  "skipped",
] as const;
/** One of `OCCURRENCE_STATUSES`. */
export type OccurrenceStatus = (typeof OCCURRENCE_STATUSES)[number];

/** Where an occurrence stands by date alone: the statuses an unpaid occurrence can have. */
export const TIMINGS = ["upcoming", "due", "overdue", "missed"] as const;
/** One of `TIMINGS`. */
export type Timing = (typeof TIMINGS)[number];

/** The settings besides the bill that decide a status (the pack config has both). */
export interface StatusSettings {
  /** Grace period of bills whose own `grace_days` is null. */
  readonly grace_days: number;
  /** What variable bills' payments must reach, unless the bill says. */
  readonly variable_paid_at: VariablePaidAt;
}

/** The config defaults; records written outside the pack without settings are computed with these. */
export const DEFAULT_SETTINGS: StatusSettings = { grace_days: 3, variable_paid_at: "min" };

/** The bill's grace period in days. */
export const graceOf = (b: Bill, s: StatusSettings): number => b.grace_days ?? s.grace_days;

/** What the bill's payments must reach per occurrence. */
export const amountDueOf = (b: Bill, s: StatusSettings): number =>
  amountDueMinor(b, b.variable_paid_at ?? s.variable_paid_at);

/** Where an occurrence due on `due` stands on `today` by date alone. */
export function timingOf(due: string, today: string, graceDays: number): Timing {
  if (due > today) return "upcoming";
  if (due === today) return "due";
  return today <= addDays(due, graceDays) ? "overdue" : "missed";
}

/** How much of one occurrence is paid, from the bill's per-occurrence sums. */
export interface Settlement {
  readonly amount_due_minor: number;
  readonly paid_minor: number;
  readonly remaining_minor: number;
  readonly overpaid_minor: number;
  /** Whether payments were recorded and reach the amount due. */
  readonly settled: boolean;
}

/** Payments of one occurrence (by nominal date) against what it needs. */
export function settlementOf(b: Bill, nominal: string, s: StatusSettings): Settlement {
  const recorded = b.paid_by_occurrence?.[nominal];
  const paid = recorded ?? 0;
  const due = amountDueOf(b, s);
  const ceiling = ceilingMinor(b);
  return {
    amount_due_minor: due,
    paid_minor: paid,
    remaining_minor: Math.max(0, due - paid),
    overpaid_minor: ceiling === null ? 0 : Math.max(0, paid - ceiling),
    settled: recorded !== undefined && paid >= due,
  };
}

/** Nominal dates whose payments reach the amount due: the bill's `paid` list. */
export function settledOccurrences(b: Bill, s: StatusSettings): string[] {
  return Object.keys(b.paid_by_occurrence ?? {})
    .filter((n) => settlementOf(b, n, s).settled)
    .sort();
}

/** The one status of an occurrence on `today`. */
export function occurrenceStatus(
  b: Bill,
  o: Occurrence,
  today: string,
  s: StatusSettings,
): { status: OccurrenceStatus; timing: Timing | null; settlement: Settlement } {
  const settlement = settlementOf(b, o.nominal, s);
  if (b.skipped.includes(o.nominal)) return { status: "skipped", timing: null, settlement };
  if (settlement.settled) return { status: "paid", timing: null, settlement };
  const timing = timingOf(o.due, today, graceOf(b, s));
  return { status: settlement.paid_minor > 0 ? "partly_paid" : timing, timing, settlement };
}
