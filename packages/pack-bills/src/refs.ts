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

/** A bill as other packs see it (to link it to a bucket, or to name it). */
export interface BillSummary {
  readonly id: string;
  readonly name: string;
  readonly payee: string;
  readonly currency: string;
  readonly status: string;
  readonly amount_minor: number | null;
  readonly min_minor: number | null;
  readonly max_minor: number | null;
}

/** A payment recorded against one occurrence of a bill. */
export interface BillPaymentView {
  readonly id: string;
  readonly bill_id: string;
  /** Nominal date of the occurrence it pays. */
  readonly occurrence: string;
  readonly due_date: string;
  readonly amount_minor: number;
  readonly currency: string;
  readonly paid_on: string;
  readonly client_key: string;
  /** The ledger entry (another pack's) this payment was made from, or null when it was entered here. */
  readonly ledger_ref: string | null;
}

/** A money movement another pack saw (a bank line) that may pay a bill. */
export interface PaymentCandidate {
  /** The caller's own id of the movement; echoed in the match. */
  readonly ref: string;
  readonly payee: string | null;
  readonly memo: string | null;
  /** Positive minor units paid out. */
  readonly amount_minor: number;
  readonly currency: string;
  /** ISO date it was paid. */
  readonly date: string;
}

/** The open occurrence a candidate most likely pays. */
export interface OccurrenceMatch {
  readonly ref: string;
  readonly bill_id: string;
  readonly bill_name: string;
  readonly occurrence: string;
  readonly due_date: string;
  /** Days between the due date and the payment (negative: paid early). */
  readonly days_from_due: number;
}

/** A payment to record for an occurrence, made from another pack's ledger entry. */
export interface SettleInput {
  readonly bill_id: string;
  /** Nominal date of the occurrence; the nearest open one when left out. */
  readonly occurrence?: string;
  readonly amount_minor: number;
  readonly currency: string;
  readonly date: string;
  /** The caller's idempotency key: the same key settles once. */
  readonly client_key: string;
  /** The ledger entry the payment comes from; payments carrying one are not posted back to a ledger. */
  readonly ledger_ref: string;
}

/** A bill to register through the service: the fields of `POST /bills`, amounts as decimal strings. */
export interface NewBill {
  readonly name: string;
  readonly payee: string;
  readonly currency: string;
  readonly amount?: string | null;
  readonly min_amount?: string | null;
  readonly max_amount?: string | null;
  readonly cadence: string;
  readonly interval?: number;
  readonly anchor_date: string;
  readonly tracked_from?: string;
  readonly notes?: string | null;
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
  /**
   * The same estimate for the named bills only (unknown and inactive ones count 0), without the
   * per-process cache: meant for a handful of bills, such as those a budget covers through a bucket.
   */
  estimateOf(month: string, billIds: readonly string[]): Promise<BillsEstimate>;
  /** One bill, or null when there is none with that id. */
  bill(id: string): Promise<BillSummary | null>;
  /** Bills whose payee is exactly `payee` (case-insensitive), any status. */
  billsByPayee(payee: string): Promise<BillSummary[]>;
  /** Register a bill; invalid input is a 400 problem naming the field, as for `POST /bills`. */
  create(input: NewBill): Promise<BillSummary>;
  /** Payments of a bill paid on or after `since` (ISO date; all when left out), oldest first. */
  payments(billId: string, options?: { since?: string }): Promise<BillPaymentView[]>;
  /**
   * For each candidate, the open occurrence of an active bill it most likely pays: the bill's payee
   * appears in the candidate's payee or memo (case-insensitive), the currency is the bill's, the
   * amount is the fixed amount, what remains of a partly paid occurrence, or inside a variable
   * bill's range, and the date is within `window_days` (default 7) of the due date (occurrences due
   * before the bill's `tracked_from` are history and never match). Candidates
   * without a match are left out; two candidates never get the same occurrence.
   */
  matchOccurrences(
    candidates: readonly PaymentCandidate[],
    options?: { window_days?: number },
  ): Promise<OccurrenceMatch[]>;
  /** Record a payment made from a ledger entry; the same `client_key` records it once. */
  settle(input: SettleInput): Promise<{ payment: BillPaymentView; created: boolean }>;
  /** Remove a payment (undo a match); false when it did not exist. */
  unsettle(billId: string, paymentId: string): Promise<boolean>;
}

/** Ref to the bills service; import from `@valhalla/pack-bills/refs`. */
export const billsService = serviceRef<BillsApi>({ pack: "bills", id: "bills", version: ">=0.1.0 <1.0.0" });
