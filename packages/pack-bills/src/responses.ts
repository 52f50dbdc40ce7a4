import * as v from "valibot";
import { OCCURRENCE_STATUSES, TIMINGS } from "./occurrence-status.js";
import { AUTOPAY_STEPS, Bill, minor, Payment, Reminder } from "./schemas.js";

// Success bodies of the routes, for the API reference (OpenAPI) and for tests to check against.

const recordMeta = {
  id: v.string(),
  rev: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
};

/** A stored bill as the routes return it. */
export const BillRecord = v.object({ ...Bill.entries, ...recordMeta });

/** POST /bills, GET and PATCH /bills/:id, POST /bills/:id/skip response: the bill and its next open occurrence. */
export const BillResponse = v.object({
  ...BillRecord.entries,
  /** The cadence in words ("monthly on day 1"). */
  cadence_text: v.string(),
  /** First occurrence from today on that is not paid in full nor skipped. */
  next_due: v.nullable(v.object({ nominal: v.string(), due: v.string() })),
});

/** GET /bills response. */
export const BillsPage = v.object({ items: v.array(BillRecord), next_cursor: v.nullable(v.string()) });

/** One open occurrence, as `upcoming`, `overdue` and `missed` list it. */
const Obligation = v.object({
  bill_id: v.string(),
  name: v.string(),
  payee: v.string(),
  nominal_date: v.string(),
  due_date: v.string(),
  days_until: v.number(),
  amount_minor: v.nullable(minor),
  min_minor: v.nullable(minor),
  max_minor: v.nullable(minor),
  expected_minor: minor,
  currency: v.string(),
  autopay: v.boolean(),
  /** `upcoming`, `due`, `overdue`, `missed`, or `partly_paid` once something is paid. */
  status: v.picklist(OCCURRENCE_STATUSES),
  paid_minor: minor,
  remaining_minor: minor,
});

/** An occurrence past due: how long its grace period is and how late it is. */
const LateObligation = v.object({
  ...Obligation.entries,
  grace_days: v.number(),
  /** Last day of the grace period; unpaid after it, the occurrence is missed. */
  grace_until: v.string(),
  days_overdue: v.number(),
});

/** GET /bills/missed response. */
export const MissedResponse = v.object({
  /** Tracked occurrences not paid in full past their grace period, oldest first. */
  items: v.array(LateObligation),
});

/** GET /bills/overdue response. */
export const OverdueResponse = v.object({
  as_of: v.string(),
  /** Tracked occurrences past due, within their grace period, not paid in full; oldest first. */
  items: v.array(LateObligation),
});

/** One occurrence of a bill with its status and what its payments settled. */
export const OccurrenceView = v.object({
  bill_id: v.string(),
  name: v.string(),
  nominal_date: v.string(),
  due_date: v.string(),
  status: v.picklist(OCCURRENCE_STATUSES),
  /** By date alone (`upcoming`, `due`, `overdue`, `missed`); null once paid or skipped. */
  timing: v.nullable(v.picklist(TIMINGS)),
  /** Due on or after the bill's `tracked_from`: only these are reported as overdue or missed. */
  tracked: v.boolean(),
  days_until: v.number(),
  grace_until: v.string(),
  /** What payments must reach for the occurrence to be paid. */
  amount_due_minor: minor,
  expected_minor: minor,
  paid_minor: minor,
  remaining_minor: minor,
  /** Paid above the fixed amount (or the top of a variable bill's range). */
  overpaid_minor: minor,
  currency: v.string(),
  /** The same in words, amounts formatted ("Rent due 2026-12-01: partly paid, 800.00 USD left"). */
  label: v.string(),
});

/** GET /bills/:id/occurrences response. */
export const OccurrencesResponse = v.object({
  bill_id: v.string(),
  as_of: v.string(),
  from: v.string(),
  to: v.string(),
  grace_days: v.number(),
  /** Every occurrence due in [from, to], skipped ones included, by due date. */
  items: v.array(OccurrenceView),
});

/** POST /bills/:id/paid response: the payment, and the occurrence it went to as it stands now. */
export const PaidResponse = v.object({
  ...Payment.entries,
  ...recordMeta,
  /** True when this `client_key` was recorded before and nothing new was written. */
  replayed: v.boolean(),
  occurrence_status: OccurrenceView,
});

/** GET /bills/upcoming response. */
export const UpcomingResponse = v.object({
  as_of: v.string(),
  /** At most `limit` open occurrences, soonest first. */
  items: v.array(Obligation),
  /** Whether the window holds more open occurrences than `items`. */
  has_more: v.boolean(),
});

/** GET /bills/estimate response. */
export const EstimateResponse = v.object({
  month: v.string(),
  /** Totals over every active bill's occurrences in the month. */
  by_currency: v.record(
    v.string(),
    v.object({ expected_minor: minor, min_minor: minor, max_minor: minor, count: v.number() }),
  ),
  /** The first `limit` occurrences, soonest first. */
  items: v.array(
    v.object({
      bill_id: v.string(),
      name: v.string(),
      due_date: v.string(),
      expected_minor: minor,
      currency: v.string(),
    }),
  ),
  /** How many occurrences the month holds in all. */
  items_total: v.number(),
});

/** A stored payment. */
export const PaymentRecord = v.object({ ...Payment.entries, ...recordMeta });

/** GET /bills/:id/payments response, newest first. */
export const PaymentsPage = v.object({ items: v.array(PaymentRecord), next_cursor: v.nullable(v.string()) });

/** A stored reminder. */
export const ReminderRecord = v.object({ ...Reminder.entries, ...recordMeta });

/** POST /bills/push_reminders response. */
export const PushRemindersResponse = v.object({
  as_of: v.string(),
  days_ahead: v.number(),
  /** Reminders made by this call. */
  created: v.number(),
  /** Reminders that already existed for the same bill, occurrence and lead time. */
  existing: v.number(),
  reminders: v.array(ReminderRecord),
});

/** GET /bills/reminders response, oldest first. */
export const RemindersResponse = v.object({ items: v.array(ReminderRecord) });

/** GET /bills/:id/autopay_checklist and POST …/:step response. */
export const AutopayChecklistResponse = v.object({
  bill_id: v.string(),
  autopay: v.boolean(),
  /** All seven steps done. */
  complete: v.boolean(),
  steps: v.array(
    v.object({ n: v.number(), step: v.picklist(AUTOPAY_STEPS), text: v.string(), done: v.boolean() }),
  ),
});
