import { currency, decimalString, isoDate, requiredText, text } from "@valhalla/runtime";
import * as v from "valibot";

/** Kinds of household accounts. */
export const ACCOUNT_TYPES = ["checking", "savings", "credit_card", "cash", "loan"] as const;
/** An account is active, or closed to new entries. */
export const ACCOUNT_STATUSES = ["active", "closed"] as const;
/** Date orders a bank CSV may use. */
export const DATE_FORMATS = ["YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY"] as const;
/** Bank file formats the import reads. */
export const IMPORT_FORMATS = ["csv", "ofx", "qif"] as const;

const minor = v.pipe(v.number(), v.safeInteger());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** A CSV column: its header text, or its 0-based position when the file has no header. */
const column = v.union(
  [
    v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(199)),
  ],
  "must be a header name or a 0-based column number",
);

/** How to read one bank's CSV export. Either `amount`, or `debit` and/or `credit`. */
export const CsvMapping = v.pipe(
  v.strictObject({
    date: column,
    payee: column,
    memo: v.optional(v.nullable(column), null),
    amount: v.optional(v.nullable(column), null),
    /** Money out (a positive number in it is an outflow). */
    debit: v.optional(v.nullable(column), null),
    /** Money in. */
    credit: v.optional(v.nullable(column), null),
    /** The bank's own transaction id, used to dedupe instead of the fingerprint. */
    id: v.optional(v.nullable(column), null),
    date_format: v.optional(
      v.picklist(DATE_FORMATS, `must be one of ${DATE_FORMATS.join(", ")}`),
      "YYYY-MM-DD",
    ),
    /** `inflow_positive`: +12.00 is money in (most banks); `outflow_positive`: +12.00 is money out (many card exports). */
    sign: v.optional(v.picklist(["inflow_positive", "outflow_positive"]), "inflow_positive"),
    decimal: v.optional(v.picklist([".", ","], "must be '.' or ','"), "."),
    delimiter: v.optional(v.picklist([",", ";", "\t"], "must be ',', ';' or a tab"), ","),
    has_header: v.optional(v.boolean(), true),
  }),
  v.check(
    (m) => (m.amount !== null) !== (m.debit !== null || m.credit !== null),
    "needs an 'amount' column, or 'debit' and/or 'credit' columns, but not both",
  ),
);
/** A validated CSV mapping. */
export type CsvMapping = v.InferOutput<typeof CsvMapping>;

/** Stored account (`acct_…`). Balances are signed from the household's view: a card or loan owed is negative. */
export const Account = v.object({
  name: v.string(),
  type: v.picklist(ACCOUNT_TYPES),
  currency: v.string(),
  opening_balance_minor: minor,
  /** Date of the opening balance; entries before it are refused. */
  opening_date: v.string(),
  status: v.picklist(ACCOUNT_STATUSES),
  notes: v.nullable(v.string()),
  /** CSV mapping saved by the last import that sent one. */
  csv_mapping: v.nullable(v.record(v.string(), v.unknown())),
  /** Entries dated on or before this day are locked by a reconciliation. */
  locked_through: v.nullable(v.string()),
});
/** A stored account (without id/rev/timestamps). */
export type Account = v.InferOutput<typeof Account>;

/**
 * Running total of one account's ledger (`acbal_<account>`), written under the account's lock just
 * before each entry, like the month totals.
 */
export const AccountTotals = v.object({
  account_id: v.string(),
  /** Sum of the entries' effects on the account (opening balance excluded). */
  net_minor: minor,
  entries: count,
  last_entry_id: v.nullable(v.string()),
  rebuilt_at: v.nullable(v.string()),
});
/** An account's stored running total. */
export type AccountTotals = v.InferOutput<typeof AccountTotals>;

/** Stored reconciliation (`recon_…`). */
export const Reconciliation = v.object({
  account_id: v.string(),
  statement_date: v.string(),
  closing_balance_minor: minor,
  ledger_balance_minor: minor,
  difference_minor: minor,
  locked: v.boolean(),
  actor: v.string(),
});
/** A stored reconciliation. */
export type Reconciliation = v.InferOutput<typeof Reconciliation>;

const optionalText = (max: number) => v.optional(v.nullable(text(max)), null);

/** POST /budget/accounts body. */
export const CreateAccountBody = v.strictObject({
  name: requiredText(200),
  type: v.picklist(ACCOUNT_TYPES, `must be one of ${ACCOUNT_TYPES.join(", ")}`),
  currency: v.optional(currency),
  opening_balance: v.optional(decimalString, "0"),
  opening_date: isoDate,
  notes: optionalText(4000),
});

/** PATCH /budget/accounts/:id body. */
export const PatchAccountBody = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    type: v.optional(v.picklist(ACCOUNT_TYPES, `must be one of ${ACCOUNT_TYPES.join(", ")}`)),
    status: v.optional(v.picklist(ACCOUNT_STATUSES, "must be active or closed")),
    notes: v.optional(v.nullable(text(4000))),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** POST /budget/transfers body. */
export const TransferBody = v.strictObject({
  from_account_id: v.pipe(v.string(), v.maxLength(128)),
  to_account_id: v.pipe(v.string(), v.maxLength(128)),
  amount: decimalString,
  date: isoDate,
  memo: optionalText(1000),
});

/** POST /budget/accounts/:id/import body. */
export const ImportBody = v.strictObject({
  format: v.picklist(IMPORT_FORMATS, "must be csv, ofx or qif"),
  content: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(1_048_576)),
  mapping: v.optional(CsvMapping),
  preset: v.optional(
    v.picklist(["signed-amount-mdy", "debit-credit-dmy"], "must be signed-amount-mdy or debit-credit-dmy"),
  ),
  /** QIF dates: the file's day/month order. */
  date_format: v.optional(v.picklist(["MM/DD/YYYY", "DD/MM/YYYY"], "must be MM/DD/YYYY or DD/MM/YYYY")),
  dry_run: v.optional(v.boolean(), false),
});
/** A validated import request. */
export type ImportBody = v.InferOutput<typeof ImportBody>;

/** POST /budget/accounts/:id/reconcile body. */
export const ReconcileBody = v.strictObject({
  statement_date: isoDate,
  closing_balance: decimalString,
  lock: v.optional(v.boolean(), false),
});

/** POST /budget/inbox/:id/categorise body. */
export const CategoriseBody = v.pipe(
  v.strictObject({
    bucket_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(128)))),
    category: v.optional(
      v.nullable(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,39}$/, "must be a category slug"))),
    ),
  }),
  v.check(
    (o) => (o.bucket_id ?? null) !== null || (o.category ?? null) !== null,
    "needs a bucket_id or a category",
  ),
);
