import * as v from "valibot";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, IMPORT_FORMATS } from "./account-schemas.js";
import { IMPORT_PHASES, IMPORT_STATUSES } from "./import/import-record.js";
import { BUCKET_TYPES, ENTRY_KINDS, PRIORITIES, ROLLOVERS } from "./schemas.js";

// Response schemas of the account, transfer, import, inbox, reconciliation and report routes: they
// document the API (OpenAPI) and the tests parse every answer with them.

const minor = v.pipe(v.number(), v.safeInteger());
const meta = { id: v.string(), rev: v.number(), created_at: v.string(), updated_at: v.string() };

/** A ledger entry as the API returns it. */
export const EntryResponse = v.looseObject({
  ...meta,
  kind: v.picklist(ENTRY_KINDS),
  amount_minor: minor,
  currency: v.string(),
  date: v.string(),
  month: v.string(),
  bucket_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  payee: v.nullable(v.string()),
  memo: v.nullable(v.string()),
  account_id: v.nullable(v.string()),
  bank_ref: v.nullable(v.string()),
  inbox: v.boolean(),
});

/** An account with its balance derived from its ledger. */
export const AccountResponse = v.looseObject({
  ...meta,
  name: v.string(),
  type: v.picklist(ACCOUNT_TYPES),
  currency: v.string(),
  opening_balance_minor: minor,
  opening_date: v.string(),
  status: v.picklist(ACCOUNT_STATUSES),
  locked_through: v.nullable(v.string()),
  balance_minor: minor,
  balance: v.string(),
  entries: v.number(),
});

/** A page of accounts. */
export const AccountPageResponse = v.object({
  items: v.array(AccountResponse),
  next_cursor: v.nullable(v.string()),
});

/** A page of inbox entries. */
export const EntryPageResponse = v.object({
  items: v.array(EntryResponse),
  next_cursor: v.nullable(v.string()),
});

/** What a balance rebuild found. */
export const BalanceRebuildResponse = v.object({
  account_id: v.string(),
  entries: v.number(),
  changed: v.boolean(),
  balance_minor: minor,
});

/** A transfer and its two legs. */
export const TransferResponse = v.object({
  id: v.string(),
  from_account_id: v.string(),
  to_account_id: v.string(),
  amount_minor: minor,
  amount: v.string(),
  currency: v.string(),
  date: v.string(),
  memo: v.nullable(v.string()),
  voided: v.boolean(),
  legs: v.array(EntryResponse),
});

const ImportPreview = v.object({
  line: v.number(),
  date: v.string(),
  amount_minor: minor,
  amount: v.string(),
  kind: v.picklist(["income", "expense"]),
  payee: v.nullable(v.string()),
  memo: v.nullable(v.string()),
  bucket_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  inbox: v.boolean(),
  bank_ref: v.string(),
});

/** What an import did, or would do on a dry run. */
export const ImportResponse = v.object({
  account_id: v.string(),
  format: v.string(),
  dry_run: v.boolean(),
  rows: v.number(),
  created: v.number(),
  /** Lines that confirmed an entry a person had entered by hand (no new entry). */
  matched: v.number(),
  duplicates: v.number(),
  skipped: v.number(),
  categorised: v.number(),
  inbox: v.number(),
  months: v.array(v.string()),
  /** The first 20 new entries. */
  preview: v.array(ImportPreview),
  /** Closing balance the file states (OFX `LEDGERBAL`), for reconciling. */
  statement: v.nullable(v.object({ balance_minor: minor, as_of: v.nullable(v.string()) })),
  /** The first 20 confirmations: file line, dedupe key, the confirmed entry. */
  matches: v.array(v.object({ line: v.number(), ref: v.string(), entry_id: v.string() })),
  /** Lines that pay an open bill occurrence; `payment_id` is the bill's payment once settled. */
  bill_matches: v.array(
    v.object({
      line: v.number(),
      entry_id: v.string(),
      bill_id: v.string(),
      bill_name: v.string(),
      occurrence: v.string(),
      due_date: v.string(),
      days_from_due: v.number(),
      payment_id: v.nullable(v.string()),
      error: v.optional(v.string()),
    }),
  ),
});

const ReconEntry = v.object({
  id: v.string(),
  date: v.string(),
  kind: v.picklist(ENTRY_KINDS),
  payee: v.nullable(v.string()),
  effect_minor: minor,
});

/** A reconciliation: cleared vs uncleared and the difference to the statement. */
export const ReconcileResponse = v.object({
  id: v.string(),
  account_id: v.string(),
  statement_date: v.string(),
  closing_balance_minor: minor,
  ledger_balance_minor: minor,
  cleared_balance_minor: minor,
  difference_minor: minor,
  reconciled: v.boolean(),
  locked: v.boolean(),
  locked_through: v.nullable(v.string()),
  cleared: v.object({ count: v.number(), effect_minor: minor }),
  uncleared: v.array(ReconEntry),
  /** Uncleared entries whose removal alone would close the difference. */
  suspects: v.array(ReconEntry),
  explanation: v.string(),
});

/** Spending by bucket and category per month, with income against expense. */
export const SpendingReportResponse = v.object({
  from: v.string(),
  to: v.string(),
  currency: v.string(),
  months: v.array(
    v.object({
      month: v.string(),
      income_minor: minor,
      expense_minor: minor,
      net_minor: minor,
      by_bucket: v.array(
        v.object({ bucket_id: v.nullable(v.string()), name: v.string(), spent_minor: minor }),
      ),
      by_category: v.array(v.object({ category: v.nullable(v.string()), spent_minor: minor })),
      transfers: v.number(),
    }),
  ),
  totals: v.object({ income_minor: minor, expense_minor: minor, net_minor: minor }),
  other_currencies: v.array(v.string()),
});

/** Recurring payee suggestions. */
const RecurringSuggestionResponse = v.object({
  payee: v.string(),
  kind: v.picklist(["income", "expense"]),
  account_id: v.string(),
  cadence: v.picklist(["weekly", "biweekly", "monthly", "quarterly", "yearly"]),
  interval_days: v.number(),
  occurrences: v.number(),
  amount_minor: minor,
  min_minor: minor,
  max_minor: minor,
  currency: v.string(),
  last_date: v.string(),
  next_expected: v.string(),
  bucket_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  entry_ids: v.array(v.string()),
});

/** GET /budget/recurring-suggestions response. */
export const RecurringResponse = v.object({ items: v.array(RecurringSuggestionResponse) });

// ---- house, categories, buckets, months, ledger entries and rules ----------------------------

const stored = <E extends v.ObjectEntries>(entries: E) => v.looseObject({ ...entries, ...meta });
const page = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });

const IncomeStream = v.object({ name: v.string(), monthly_minor: minor });

/** GET /budget/house response. */
export const HouseResponse = v.object({
  currency: v.string(),
  income_streams: v.array(IncomeStream),
  buffer_target_minor: minor,
  /** Sum of the income streams. */
  income_target_minor: minor,
});

/** PUT /budget/house response: the stored house budget. */
export const HouseRecordResponse = stored({
  currency: v.string(),
  income_streams: v.array(IncomeStream),
  buffer_target_minor: minor,
});

/** GET /budget/categories response. */
export const CategoriesResponse = v.object({
  items: v.array(v.object({ slug: v.string(), name: v.string(), builtin: v.boolean() })),
});

/** POST /budget/categories response. */
export const CategoryResponse = stored({ slug: v.string(), name: v.string() });

/** A stored bucket. */
export const BucketResponse = stored({
  name: v.string(),
  type: v.picklist(BUCKET_TYPES),
  priority: v.picklist(PRIORITIES),
  rollover: v.picklist(ROLLOVERS),
  monthly_limit_minor: minor,
  start_month: v.string(),
});

/** GET /budget/buckets response. */
export const BucketPageResponse = page(BucketResponse);

/** A bucket's figures for one month: available = carryover + allocated − spent. */
const BucketMonthResponse = v.object({
  bucket_id: v.string(),
  name: v.string(),
  type: v.picklist(BUCKET_TYPES),
  priority: v.picklist(PRIORITIES),
  rollover: v.picklist(ROLLOVERS),
  allocated_minor: minor,
  carryover_minor: minor,
  spent_minor: minor,
  available_minor: minor,
});

/** GET /budget/buckets/:id response. */
export const BucketViewResponse = v.looseObject({
  ...BucketResponse.entries,
  month: v.string(),
  figures: BucketMonthResponse,
});

/** PUT /budget/months/:month/allocations/:bucket_id response. */
export const AllocationResponse = stored({ month: v.string(), bucket_id: v.string(), amount_minor: minor });

/** GET /budget/months/:month, GET /budget/snapshot and POST …/close response. */
export const SnapshotResponse = v.looseObject({
  month: v.string(),
  currency: v.string(),
  status: v.picklist(["open", "closed"]),
  as_of: v.string(),
  targets: v.object({
    income_target_minor: minor,
    buffer_target_minor: minor,
    income_streams: v.array(IncomeStream),
  }),
  /** The month's bills estimate in the budget currency (`source: "none"` without the bills pack). */
  bills: v.looseObject({
    source: v.picklist(["bills", "none"]),
    expected_minor: minor,
    min_minor: minor,
    max_minor: minor,
    count: v.number(),
  }),
  ledger: v.object({
    income_minor: minor,
    expense_minor: minor,
    net_minor: minor,
    entries: v.number(),
    reversals: v.number(),
    other_currencies: v.array(v.string()),
  }),
  buckets: v.array(BucketMonthResponse),
  totals: v.object({ allocated_minor: minor, spent_minor: minor, available_minor: minor }),
  essentials: v.object({
    required_minor: minor,
    funded_minor: minor,
    unfunded_minor: minor,
    funded: v.boolean(),
  }),
  cash_plan: v.looseObject({
    income_target_minor: minor,
    /** Bills not covered by a bucket. */
    bills_minor: minor,
    /** Bills linked to a bucket, already planned in its allocation (absent in months closed before 1.3.0). */
    bills_in_buckets_minor: v.optional(minor),
    allocated_minor: minor,
    planned_outflow_minor: minor,
    /** Income target − (uncovered bills + allocations); negative means the plan is short. */
    gap_minor: minor,
  }),
});

/** POST /budget/months/:month/totals/rebuild response. */
export const TotalsRebuildResponse = v.object({
  month: v.string(),
  entries: v.number(),
  /** Whether the stored totals had drifted from the ledger. */
  changed: v.boolean(),
  by_currency: v.record(v.string(), v.looseObject({ income_minor: minor, expense_minor: minor })),
  rebuilt_at: v.nullable(v.string()),
});

/** GET /budget/buffer_check response. */
export const BufferCheckResponse = v.object({
  month: v.string(),
  currency: v.string(),
  ok: v.boolean(),
  income_target_minor: minor,
  bills_minor: minor,
  bills_source: v.picklist(["bills", "none"]),
  buffer_min_minor: minor,
  projected_minor: minor,
  shortfall_minor: minor,
  /** A sentence for people when the month is short, else null. */
  alert: v.nullable(v.string()),
});

/** GET /budget/transactions response. */
export const EntryListResponse = page(EntryResponse);

/** GET /budget/transactions/:id response: the entry and the reversal that voided it, if any. */
export const EntryViewResponse = v.looseObject({
  ...EntryResponse.entries,
  voided_by: v.nullable(v.string()),
});

/** A stored ledger rule. */
export const RuleResponse = v.looseObject({ ...meta, name: v.string(), position: v.number() });

/** GET /budget/rules response, in the order the rules run. */
export const RulesResponse = v.object({ items: v.array(RuleResponse) });

/** POST /budget/rules/apply response. */
export const RulesApplyResponse = v.object({ month: v.string(), examined: v.number(), changed: v.number() });

/** A bill the budget covers through a bucket. */
export const BillLinkResponse = v.object({
  ...meta,
  bill_id: v.string(),
  bucket_id: v.string(),
  account_id: v.nullable(v.string()),
  category: v.nullable(v.string()),
  since: v.string(),
  post_payments: v.boolean(),
});

/** GET /budget/bill_links response. */
export const BillLinksResponse = v.object({ items: v.array(BillLinkResponse) });

/** POST /budget/bill_links/sync response. */
export const BillSyncResponse = v.object({
  posted: v.array(
    v.object({ entry_id: v.string(), payment_id: v.string(), bill_id: v.string(), amount_minor: minor }),
  ),
  already: v.number(),
  refused: v.array(
    v.object({
      payment_id: v.string(),
      bill_id: v.string(),
      status: v.number(),
      code: v.string(),
      reason: v.string(),
    }),
  ),
});

/** POST /budget/transactions/:id/bill_match response. */
export const BillMatchResponse = v.object({ entry: EntryResponse, payment_id: v.string() });

/** POST /budget/recurring-suggestions/accept response: the bill made, its link (if any), the suggestion. */
export const AcceptRecurringResponse = v.object({
  bill: v.object({
    id: v.string(),
    name: v.string(),
    payee: v.string(),
    currency: v.string(),
    status: v.string(),
    amount_minor: v.nullable(minor),
    min_minor: v.nullable(minor),
    max_minor: v.nullable(minor),
  }),
  link: v.nullable(BillLinkResponse),
  suggestion: RecurringSuggestionResponse,
});

/** An asynchronous import and how far it got. */
export const ImportRecordResponse = v.looseObject({
  ...meta,
  account_id: v.string(),
  format: v.picklist(IMPORT_FORMATS),
  dry_run: v.boolean(),
  status: v.picklist(IMPORT_STATUSES),
  /** `check` (every line read, nothing written) or `write`; `null` while queued or finished. */
  phase: v.nullable(v.picklist(IMPORT_PHASES)),
  /** Rows in the file; `null` until the check pass has read it all. */
  rows_total: v.nullable(v.number()),
  /** Rows checked (phase `check`) or written (phase `write`, and once done). */
  rows_done: v.number(),
  /** What the import did (as the synchronous import answers), once done. */
  result: v.nullable(ImportResponse),
  /** Why the file was refused (problem details naming the line and field), once failed. */
  problem: v.nullable(
    v.looseObject({
      type: v.string(),
      title: v.string(),
      status: v.number(),
      detail: v.optional(v.string()),
    }),
  ),
  /** Who sent the file; the entries name them. */
  actor: v.string(),
  /** Who took the import over after its worker stopped. */
  resumed_by: v.nullable(v.string()),
  attempts: v.number(),
  /** By when the worker must renew its hold, or the `imports` job takes the import over. */
  lease_until: v.string(),
  started_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
});

/** A page of asynchronous imports, newest first. */
export const ImportRecordPageResponse = v.object({
  items: v.array(ImportRecordResponse),
  next_cursor: v.nullable(v.string()),
});
