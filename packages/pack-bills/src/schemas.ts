import { currency, decimalString, isoDate, requiredText, text } from "@valhalla/runtime";
import * as v from "valibot";
import { CADENCES, WEEKEND_ADJUSTMENTS } from "./due-dates.js";

export const BILL_STATUSES = ["active", "paused", "archived"] as const;

/**
 * What a variable bill's payments must reach for an occurrence to count as paid: its `min`imum
 * or its `expected` amount (the middle of the range). Fixed bills always need their amount.
 */
export const VARIABLE_PAID_AT = ["min", "expected"] as const;
/** One of `VARIABLE_PAID_AT`. */
export type VariablePaidAt = (typeof VARIABLE_PAID_AT)[number];
const variablePaidAt = v.picklist(VARIABLE_PAID_AT, `must be one of ${VARIABLE_PAID_AT.join(", ")}`);

/** The seven autopay set-up steps of the seed (P-BILLS-4), in order. */
export const AUTOPAY_STEPS = [
  "log_in",
  "add_payee",
  "set_amount",
  "set_frequency",
  "set_start_date",
  "enable_alerts",
  "keep_buffer",
] as const;
export type AutopayStep = (typeof AUTOPAY_STEPS)[number];

/** Integer minor units. */
export const minor = v.pipe(v.number(), v.safeInteger());
const dayOfMonth = v.union(
  [v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(31)), v.literal("last")],
  'must be a day from 1 to 31 or "last"',
);

/** Stored bill. */
export const Bill = v.object({
  name: v.string(),
  payee: v.string(),
  currency: v.string(),
  /** Fixed amount, or null for a variable bill (then min/max bound it). */
  amount_minor: v.nullable(minor),
  min_minor: v.nullable(minor),
  max_minor: v.nullable(minor),
  cadence: v.picklist(CADENCES),
  interval: v.pipe(v.number(), v.integer(), v.minValue(1)),
  anchor_date: v.string(),
  day_of_month: v.nullable(dayOfMonth),
  second_day_of_month: v.nullable(dayOfMonth),
  weekend_adjustment: v.picklist(WEEKEND_ADJUSTMENTS),
  autopay: v.boolean(),
  status: v.picklist(BILL_STATUSES),
  notes: v.nullable(v.string()),
  /** Days after the due date before an unpaid occurrence counts as missed (null: config default). */
  grace_days: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Payments are tracked (and misses reported) from this date on. */
  tracked_from: v.string(),
  /** Nominal dates of skipped occurrences. */
  skipped: v.array(v.string()),
  autopay_steps_done: v.array(v.picklist(AUTOPAY_STEPS)),
  /**
   * Nominal dates of the occurrences a payment settled, kept in step with the payments ledger
   * under the bill's lock so summaries never read payments per bill.
   */
  paid: v.array(v.string()),
  /**
   * Due date of the first open occurrence on or after the day it was last computed (null when
   * the bill is not active). Indexed: `upcoming` reads only the bills due in its window.
   */
  next_open_due: v.nullable(v.string()),
  // The three fields below came with 1.2. They are optional so records written by earlier code
  // (imports, seeds) still type-check; `withDueIndex` fills them and migration 2 backfills them.
  /**
   * Minor units paid per occurrence (nominal date → sum of its payments), kept in step with the
   * payments ledger under the bill's lock. `paid` is derived from it: the occurrences whose sum
   * reaches the amount due.
   */
  paid_by_occurrence: v.optional(v.record(v.string(), minor)),
  /**
   * Whether, on the day it was computed, the bill had a tracked open occurrence past its due date
   * but within its grace period. Indexed: `GET /bills/overdue` reads only these bills.
   */
  overdue: v.optional(v.boolean()),
  /** Variable bills only: what payments must reach (null: the pack config's `variable_paid_at`). */
  variable_paid_at: v.optional(v.nullable(variablePaidAt)),
  /**
   * Estimate index keys (see estimate-index.ts): the month-based due streams of an active bill,
   * or `other` for schedules read one by one. Indexed: an estimate lists a due day's bills only.
   */
  est_day: v.optional(v.nullable(v.string())),
  est_day2: v.optional(v.nullable(v.string())),
});
export type Bill = v.InferOutput<typeof Bill>;

/** Stored payment, matched to one occurrence of its bill. */
export const Payment = v.object({
  bill_id: v.string(),
  /** Nominal date of the occurrence the payment settles. */
  occurrence: v.string(),
  due_date: v.string(),
  amount_minor: minor,
  currency: v.string(),
  paid_on: v.string(),
  client_key: v.string(),
  notes: v.nullable(v.string()),
  /** Another pack's ledger entry this payment was made from (a matched bank line); null when entered here. */
  ledger_ref: v.optional(v.nullable(v.string()), null),
});
export type Payment = v.InferOutput<typeof Payment>;

/** Stored reminder: one per bill, occurrence and lead time. */
export const Reminder = v.object({
  bill_id: v.string(),
  bill_name: v.string(),
  payee: v.string(),
  occurrence: v.string(),
  due_date: v.string(),
  lead_days: v.pipe(v.number(), v.integer(), v.minValue(0)),
  amount_minor: v.nullable(minor),
  currency: v.string(),
  autopay: v.boolean(),
  created_on: v.string(),
});
export type Reminder = v.InferOutput<typeof Reminder>;

const optionalText = (max = 200) => v.optional(v.nullable(text(max)), null);

const billFields = {
  name: requiredText(200),
  payee: requiredText(200),
  currency,
  amount: v.optional(v.nullable(decimalString), null),
  min_amount: v.optional(v.nullable(decimalString), null),
  max_amount: v.optional(v.nullable(decimalString), null),
  cadence: v.picklist(CADENCES, `must be one of ${CADENCES.join(", ")}`),
  interval: v.optional(
    v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(1), v.maxValue(366)),
  ),
  anchor_date: isoDate,
  day_of_month: v.optional(v.nullable(dayOfMonth), null),
  second_day_of_month: v.optional(v.nullable(dayOfMonth), null),
  weekend_adjustment: v.optional(
    v.picklist(WEEKEND_ADJUSTMENTS, `must be one of ${WEEKEND_ADJUSTMENTS.join(", ")}`),
    "none",
  ),
  autopay: v.optional(v.boolean(), false),
  status: v.optional(v.picklist(BILL_STATUSES, `must be one of ${BILL_STATUSES.join(", ")}`), "active"),
  notes: optionalText(4000),
  grace_days: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90))), null),
  tracked_from: v.optional(isoDate),
  variable_paid_at: v.optional(v.nullable(variablePaidAt), null),
};

/** POST /bills body. */
export const CreateBillBody = v.strictObject(billFields);
export type CreateBillBody = v.InferOutput<typeof CreateBillBody>;

/** PATCH /bills/:id body (any subset; schedule changes apply to every occurrence). */
export const PatchBillBody = v.pipe(
  v.strictObject({
    name: v.optional(billFields.name),
    payee: v.optional(billFields.payee),
    currency: v.optional(currency),
    amount: v.optional(v.nullable(decimalString)),
    min_amount: v.optional(v.nullable(decimalString)),
    max_amount: v.optional(v.nullable(decimalString)),
    cadence: v.optional(billFields.cadence),
    interval: billFields.interval,
    anchor_date: v.optional(isoDate),
    day_of_month: v.optional(v.nullable(dayOfMonth)),
    second_day_of_month: v.optional(v.nullable(dayOfMonth)),
    weekend_adjustment: v.optional(v.picklist(WEEKEND_ADJUSTMENTS)),
    autopay: v.optional(v.boolean()),
    status: v.optional(v.picklist(BILL_STATUSES)),
    notes: v.optional(v.nullable(text(4000))),
    grace_days: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90)))),
    tracked_from: v.optional(isoDate),
    variable_paid_at: v.optional(v.nullable(variablePaidAt)),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** POST /bills/:id/paid body. */
export const PaidBody = v.strictObject({
  amount: decimalString,
  currency: v.optional(currency),
  date: isoDate,
  /** Retries with the same key are recorded once. */
  client_key: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 letters, digits or . _ : -"),
  ),
  notes: optionalText(2000),
  /**
   * Nominal date of the occurrence the payment is for; when left out, the open occurrence due
   * nearest to `date`.
   */
  occurrence: v.optional(isoDate),
});

/** POST /bills/:id/skip body. */
export const SkipBody = v.strictObject({ date: isoDate });

/** Pack config (`config.bills`). */
export const BillsConfig = v.object({
  /** Lead time of the daily reminder run. */
  reminder_days_ahead: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90)), 7),
  /** Default grace period before an unpaid occurrence is missed. */
  grace_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90)), 3),
  /** What a variable bill's payments must reach to settle an occurrence, unless the bill says. */
  variable_paid_at: v.optional(variablePaidAt, "min"),
});
export type BillsConfig = v.InferOutput<typeof BillsConfig>;

/**
 * Estimate aggregate: sums over the active bills of one due stream (`kind: "class"`, keyed by
 * stream and first month) or over the skipped occurrences falling due in one month (`"skip"`).
 */
export const EstimateAggregate = v.object({
  kind: v.picklist(["class", "skip"]),
  /** Stream key (`class`) or "" (`skip`). */
  key: v.string(),
  /** First nominal month of the stream (`class`), or the month the skips fall due in (`skip`). */
  month: v.string(),
  currency: v.string(),
  expected_minor: minor,
  min_minor: minor,
  max_minor: minor,
  /** Bills (`class`) or skipped occurrences (`skip`). */
  count: minor,
});
export type EstimateAggregate = v.InferOutput<typeof EstimateAggregate>;

/** Estimate index bookkeeping: record `agg`, set dirty while a write updates the aggregates. */
export const EstimateState = v.object({ version: v.number(), dirty: v.boolean() });
export type EstimateState = v.InferOutput<typeof EstimateState>;
