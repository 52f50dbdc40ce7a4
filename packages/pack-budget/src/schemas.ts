import { currency, decimalString, isoDate, requiredText, text } from "@valhalla/runtime";
import * as v from "valibot";

export const BUCKET_TYPES = ["essentials", "variable", "sinking", "fun", "savings", "other"] as const;
export const PRIORITIES = ["A", "B", "C", "D"] as const;
export const ROLLOVERS = ["none", "carry_positive", "carry_all"] as const;
export const BUCKET_STATUSES = ["active", "archived"] as const;
export const TX_KINDS = ["income", "expense"] as const;
/** Kinds of stored ledger entries: transfer legs move money between accounts and are neither income nor expense. */
export const ENTRY_KINDS = ["income", "expense", "transfer_in", "transfer_out"] as const;
/** Where an entry came from. */
export const ENTRY_SOURCES = ["manual", "import", "transfer", "bill"] as const;
export const RULE_FIELDS = ["payee", "memo", "any"] as const;

/** The seed's controlled categories (P-BUDCAT-1), extended by `POST /budget/categories`. */
export const DEFAULT_CATEGORIES = [
  "housing",
  "utilities",
  "groceries",
  "fuel",
  "transport",
  "insurance",
  "kids",
  "debt",
  "medical",
  "phone_internet",
  "subscriptions",
  "dining",
  "entertainment",
  "savings",
  "giving",
  "misc",
] as const;

const minor = v.pipe(v.number(), v.safeInteger());
const slug = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,39}$/, "must be lowercase letters, digits or _"));

/** `YYYY-MM` between 1900 and 2999. */
export const monthString = v.pipe(
  v.string(),
  v.regex(/^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/, "must be a month in YYYY-MM form"),
);

/** Stored bucket. */
export const Bucket = v.object({
  name: v.string(),
  type: v.picklist(BUCKET_TYPES),
  priority: v.picklist(PRIORITIES),
  monthly_limit_minor: minor,
  rollover: v.picklist(ROLLOVERS),
  status: v.picklist(BUCKET_STATUSES),
  category: v.nullable(v.string()),
  /** First month of the carry-over chain; earlier months cannot be posted into. */
  start_month: v.string(),
  notes: v.nullable(v.string()),
});
export type Bucket = v.InferOutput<typeof Bucket>;

/** Stored house budget (one record, id `house`). */
export const HouseBudget = v.object({
  income_streams: v.array(v.object({ name: v.string(), monthly_minor: minor })),
  buffer_target_minor: minor,
});
export type HouseBudget = v.InferOutput<typeof HouseBudget>;

/** Stored custom category. */
export const Category = v.object({ slug: v.string(), name: v.string() });

/** Stored allocation of one bucket in one month (id `alloc_<month>_<bucket>`). */
export const Allocation = v.object({ month: v.string(), bucket_id: v.string(), amount_minor: minor });
export type Allocation = v.InferOutput<typeof Allocation>;

/** Stored ledger entry. A void is a second entry with the opposite sign; entries are never edited. */
export const Transaction = v.object({
  kind: v.picklist(ENTRY_KINDS),
  /** Signed: positive for postings, negative for reversals. */
  amount_minor: minor,
  currency: v.string(),
  date: v.string(),
  month: v.string(),
  bucket_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  payee: v.nullable(v.string()),
  memo: v.nullable(v.string()),
  /** Id of the entry this one reverses. */
  reverses: v.nullable(v.string()),
  /** Rules that categorised this entry. */
  rule_ids: v.array(v.string()),
  /** Fields set by rules (re-running rules may change only these). */
  auto_fields: v.array(v.picklist(["bucket_id", "category"])),
  /** Who posted past the obligation gate, and why it was closed. */
  override: v.nullable(v.object({ by: v.string(), at: v.string(), reason: v.string() })),
  actor: v.string(),
  /** Account the money moved in or out of (entries from before accounts have none). */
  account_id: v.optional(v.nullable(v.string()), null),
  source: v.optional(v.picklist(ENTRY_SOURCES), "manual"),
  /** Dedupe key of an imported bank line (its FITID or a fingerprint); set only on imports. */
  bank_ref: v.optional(v.nullable(v.string()), null),
  /** Imported and matched by no rule: waits in the inbox for a bucket or category. */
  inbox: v.optional(v.boolean(), false),
  /** The transfer both legs belong to. */
  transfer_id: v.optional(v.nullable(v.string()), null),
  /**
   * The bill occurrence this entry pays, through the bills pack: posted from a bill payment
   * (`source: "bill"`), or an imported bank line matched to an open occurrence. `payment_id` is
   * null while the match is not yet settled on the bill.
   */
  bill_payment: v.optional(
    v.nullable(v.object({ bill_id: v.string(), occurrence: v.string(), payment_id: v.nullable(v.string()) })),
    null,
  ),
});
export type Transaction = v.InferOutput<typeof Transaction>;

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** One currency's share of a month's ledger totals. */
export const CurrencyTotals = v.object({
  income_minor: minor,
  expense_minor: minor,
  /** Entries in this currency, reversals included. */
  entries: count,
  reversals: count,
  /** Expense entries (reversals included) summed per bucket id. */
  spent_by_bucket: v.record(v.string(), minor),
});
export type CurrencyTotals = v.InferOutput<typeof CurrencyTotals>;

/**
 * Stored totals of one month's ledger (id `tot_<month>`), written under the month's lock just before
 * each entry and recomputed from the ledger whenever they cannot be trusted.
 */
export const MonthTotals = v.object({
  month: v.string(),
  /** Ledger entries folded in, every currency. */
  entries: count,
  /** The entry folded in last; while it is missing from the ledger its write has not finished. */
  last_entry_id: v.nullable(v.string()),
  by_currency: v.record(v.string(), CurrencyTotals),
  /** When the totals were last recomputed from the month's whole ledger. */
  rebuilt_at: v.nullable(v.string()),
});
export type MonthTotals = v.InferOutput<typeof MonthTotals>;

/** Stored ledger rule. */
export const Rule = v.object({
  name: v.string(),
  position: v.pipe(v.number(), v.integer()),
  kind: v.nullable(v.picklist(TX_KINDS)),
  payee_contains: v.nullable(v.string()),
  memo_contains: v.nullable(v.string()),
  regex: v.nullable(v.string()),
  regex_field: v.picklist(RULE_FIELDS),
  min_amount_minor: v.nullable(minor),
  max_amount_minor: v.nullable(minor),
  set_bucket_id: v.nullable(v.string()),
  set_category: v.nullable(v.string()),
  stop_processing: v.boolean(),
  active: v.boolean(),
});
export type Rule = v.InferOutput<typeof Rule>;

/** Frozen snapshot of a closed month (id `close_<month>`). */
export const Closing = v.object({
  month: v.string(),
  closed_by: v.string(),
  snapshot: v.record(v.string(), v.unknown()),
});
export type Closing = v.InferOutput<typeof Closing>;

const optionalText = (max = 200) => v.optional(v.nullable(text(max)), null);

/** POST /budget/buckets body. */
export const CreateBucketBody = v.strictObject({
  name: requiredText(200),
  type: v.picklist(BUCKET_TYPES, `must be one of ${BUCKET_TYPES.join(", ")}`),
  priority: v.optional(v.picklist(PRIORITIES, "must be A, B, C or D"), "B"),
  monthly_limit: decimalString,
  rollover: v.optional(v.picklist(ROLLOVERS, `must be one of ${ROLLOVERS.join(", ")}`), "none"),
  status: v.optional(v.picklist(BUCKET_STATUSES), "active"),
  category: v.optional(v.nullable(slug), null),
  start_month: v.optional(monthString),
  notes: optionalText(4000),
});

/** PATCH /budget/buckets/:id body. */
export const PatchBucketBody = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    type: v.optional(v.picklist(BUCKET_TYPES, `must be one of ${BUCKET_TYPES.join(", ")}`)),
    priority: v.optional(v.picklist(PRIORITIES, "must be A, B, C or D")),
    monthly_limit: v.optional(decimalString),
    rollover: v.optional(v.picklist(ROLLOVERS, `must be one of ${ROLLOVERS.join(", ")}`)),
    status: v.optional(v.picklist(BUCKET_STATUSES)),
    category: v.optional(v.nullable(slug)),
    notes: v.optional(v.nullable(text(4000))),
    /** Earlier: receipts of those months can go into the bucket. Later: only while it has nothing before. */
    start_month: v.optional(monthString),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** PUT /budget/house body. */
export const HouseBudgetBody = v.strictObject({
  income_streams: v.pipe(
    v.array(v.strictObject({ name: requiredText(100), monthly: decimalString })),
    v.maxLength(50),
  ),
  buffer_target: decimalString,
});

/** POST /budget/categories body. */
export const CategoryBody = v.strictObject({ slug, name: requiredText(100) });

/** PUT /budget/months/:month/allocations/:bucket_id body. */
export const AllocationBody = v.strictObject({ amount: decimalString });

/** POST /budget/transactions body. */
export const CreateTransactionBody = v.strictObject({
  kind: v.picklist(TX_KINDS, "must be income or expense"),
  amount: decimalString,
  currency: v.optional(currency),
  date: isoDate,
  bucket_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(128)))),
  category: v.optional(v.nullable(slug)),
  payee: optionalText(200),
  memo: optionalText(1000),
  /** Post into a C/D bucket while essentials are unfunded; the actor is recorded. */
  override: v.optional(v.boolean(), false),
  /** Account the money moved in or out of; its balance follows. */
  account_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(128)))),
});

const ruleFields = {
  name: requiredText(200),
  position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000))),
  kind: v.optional(v.nullable(v.picklist(TX_KINDS, "must be income or expense"))),
  payee_contains: v.optional(v.nullable(requiredText(200))),
  memo_contains: v.optional(v.nullable(requiredText(200))),
  // Patterns are short so matching stays cheap; see compileRuleRegex for the backtracking guard.
  regex: v.optional(
    v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(100, "must be at most 100 characters"))),
  ),
  regex_field: v.optional(v.picklist(RULE_FIELDS, "must be payee, memo or any")),
  min_amount: v.optional(v.nullable(decimalString)),
  max_amount: v.optional(v.nullable(decimalString)),
  set_bucket_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(128)))),
  set_category: v.optional(v.nullable(slug)),
  stop_processing: v.optional(v.boolean()),
  active: v.optional(v.boolean()),
};

/** POST /budget/rules body. */
export const CreateRuleBody = v.strictObject(ruleFields);
/** PATCH /budget/rules/:id body. */
export const PatchRuleBody = v.pipe(
  v.strictObject({ ...ruleFields, name: v.optional(requiredText(200)) }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** Pack config (`config.budget`). */
export const BudgetConfig = v.object({
  /** The budget's single currency; every amount is in it. */
  currency: v.optional(currency, "USD"),
});
export type BudgetConfig = v.InferOutput<typeof BudgetConfig>;

/**
 * A bill the budget covers through a bucket (id: the bill's id). Its payments are posted to the
 * bucket (and account) as expenses, and the cash plan counts it in the bucket's allocation instead
 * of a second time in the bills estimate.
 */
export const BillLink = v.object({
  bill_id: v.string(),
  bucket_id: v.string(),
  account_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  /** Payments made on or after this date are posted to the ledger. */
  since: v.string(),
  /** Post the bill's payments to the ledger (false: only the cash plan uses the link). */
  post_payments: v.boolean(),
});
export type BillLink = v.InferOutput<typeof BillLink>;

/** PUT /budget/bill_links/:bill_id body. */
export const BillLinkBody = v.strictObject({
  bucket_id: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  account_id: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1, "must not be empty"))), null),
  category: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1, "must not be empty"))), null),
  since: v.optional(isoDate),
  post_payments: v.optional(v.boolean(), true),
});
export type BillLinkBody = v.InferOutput<typeof BillLinkBody>;

/** POST /budget/transactions/:id/bill_match body. */
export const BillMatchBody = v.strictObject({
  bill_id: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  occurrence: v.optional(isoDate),
});
export type BillMatchBody = v.InferOutput<typeof BillMatchBody>;

/** POST /budget/recurring-suggestions/accept body. */
export const AcceptRecurringBody = v.strictObject({
  /** Any entry of the suggestion (its `entry_ids`). */
  entry_id: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  name: v.optional(requiredText(200)),
  /** The bill's payee: what the bank's lines contain (default: the merchant part of the last line's payee). */
  payee: v.optional(requiredText(200)),
  bucket_id: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  category: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1, "must not be empty")))),
  /** Link the bill to the bucket (default true; needs a bucket, given or the entries'). */
  link: v.optional(v.boolean(), true),
});
export type AcceptRecurringBody = v.InferOutput<typeof AcceptRecurringBody>;
