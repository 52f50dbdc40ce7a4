import { serviceRef } from "@valhalla/runtime";
import type { OccurrenceStatus } from "./occurrence-status.js";

/** One open occurrence of a bill. */
export interface BillObligation {
  readonly bill_id: string;
  readonly name: string;
  readonly payee: string;
  /** Due date by the cadence, before weekend adjustment. */
  readonly nominal_date: string;
  /** Due date after weekend adjustment. */
  readonly due_date: string;
  readonly days_until: number;
  /** Fixed amount, or null for a variable bill. */
  readonly amount_minor: number | null;
  readonly min_minor: number | null;
  readonly max_minor: number | null;
  /** The fixed amount, or the middle of a variable bill's range. */
  readonly expected_minor: number;
  readonly currency: string;
  readonly autopay: boolean;
  /** `upcoming`, `due`, `overdue` or `missed` while nothing is paid; `partly_paid` once something is. */
  readonly status: OccurrenceStatus;
  /** Paid so far towards this occurrence. */
  readonly paid_minor: number;
  /** Still owed before it counts as paid. */
  readonly remaining_minor: number;
}

/** A reminder the bills pack created for an upcoming occurrence. */
export interface BillReminder {
  readonly id: string;
  readonly bill_id: string;
  readonly bill_name: string;
  readonly payee: string;
  readonly occurrence: string;
  readonly due_date: string;
  readonly lead_days: number;
  readonly amount_minor: number | null;
  readonly currency: string;
  readonly autopay: boolean;
  readonly created_on: string;
}

/** Expected bill outflow of one month. */
export interface BillsEstimate {
  readonly month: string;
  readonly by_currency: Readonly<
    Record<string, { expected_minor: number; min_minor: number; max_minor: number; count: number }>
  >;
  readonly items: readonly {
    bill_id: string;
    name: string;
    due_date: string;
    expected_minor: number;
    currency: string;
  }[];
  /** Occurrences in the month; `items` holds the first `limit` of them. */
  readonly items_total: number;
}

/** What the bills pack offers other packs (budget, pipeline). */
export interface BillsApi {
  /** Open occurrences due from today through `days` ahead, soonest first (at most `limit`, default 500). */
  upcoming(options: { days: number; limit?: number }): Promise<BillObligation[]>;
  /** Reminders created on or after an ISO date, oldest first (for follow-ups). */
  remindersSince(date: string): Promise<BillReminder[]>;
  /**
   * Expected bill outflow of a month (`YYYY-MM`) per currency, over every active bill; `items`
   * holds the first `limit` occurrences (default 100, at most 5000), soonest first.
   */
  monthlyEstimate(month: string, options?: { limit?: number }): Promise<BillsEstimate>;
}

/** Ref to the bills service; import from `@valhalla/pack-bills/refs`. */
export const billsService = serviceRef<BillsApi>({ pack: "bills", id: "bills", version: ">=0.1.0 <1.0.0" });
