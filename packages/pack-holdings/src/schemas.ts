import { currency, decimalString, isoDate, pageOf, requiredText, stored, text } from "@valhalla/runtime";
import * as v from "valibot";

/** Kinds of holdings. */
export const ASSET_TYPES = [
  "property",
  "resort",
  "trust",
  "vault",
  "policy",
  "saas_stream",
  "cash",
  "other",
] as const;
export const CONFIDENCE = ["low", "medium", "high"] as const;
export const LIABILITY_KINDS = ["mortgage", "heloc", "loan", "lien", "other"] as const;

const Valuation = v.object({
  amount_minor: v.pipe(v.number(), v.safeInteger()),
  currency: v.string(),
  as_of: v.string(),
  source: v.string(),
  confidence: v.picklist(CONFIDENCE),
  valuation_id: v.string(),
});

/** Stored asset. */
export const Asset = v.object({
  type: v.picklist(ASSET_TYPES),
  label: v.string(),
  internal_ref: v.nullable(v.string()),
  jurisdiction: v.nullable(v.string()),
  entity_name: v.nullable(v.string()),
  entity_id: v.nullable(v.string()),
  currency: v.string(),
  notes: v.nullable(v.string()),
  active: v.boolean(),
  archived_at: v.nullable(v.string()),
  /** Latest valuation by `as_of` (denormalized for listing and summaries). */
  valuation: v.nullable(Valuation),
  /** Outstanding liabilities per currency, in minor units. */
  liabilities: v.record(v.string(), v.pipe(v.number(), v.safeInteger())),
  /**
   * Index of the summary's stale list: the valuation date of an active holding (`never` when it
   * has none), null when archived. Kept by every holding write; absent on records written before it.
   */
  valued_on: v.optional(v.nullable(v.string())),
});
export type Asset = v.InferOutput<typeof Asset>;

/** Stored valuation (history is never rewritten). */
export const ValuationRecord = v.object({
  asset_id: v.string(),
  amount_minor: v.pipe(v.number(), v.safeInteger()),
  currency: v.string(),
  as_of: v.string(),
  source: v.string(),
  confidence: v.picklist(CONFIDENCE),
  notes: v.nullable(v.string()),
});
export type ValuationRecord = v.InferOutput<typeof ValuationRecord>;

/** Stored liability against an asset. */
export const Liability = v.object({
  asset_id: v.string(),
  kind: v.picklist(LIABILITY_KINDS),
  lender: v.string(),
  balance_minor: v.pipe(v.number(), v.safeInteger()),
  currency: v.string(),
  as_of: v.string(),
  notes: v.nullable(v.string()),
});
export type Liability = v.InferOutput<typeof Liability>;

/** Stored balance of a liability on a day (its history; the liability holds the latest). */
export const LiabilityBalance = v.object({
  liability_id: v.string(),
  asset_id: v.string(),
  balance_minor: v.pipe(v.number(), v.safeInteger()),
  currency: v.string(),
  as_of: v.string(),
});
export type LiabilityBalance = v.InferOutput<typeof LiabilityBalance>;

/** Stored dated FX rate: units of `base` per one unit of `currency` on `as_of` (id `fx_<CUR>_<BASE>_<date>`). */
export const FxRate = v.object({
  currency: v.string(),
  base: v.string(),
  rate: v.string(),
  as_of: v.string(),
});
export type FxRate = v.InferOutput<typeof FxRate>;

const optionalText = (max = 200) => v.optional(v.nullable(text(max)), null);

/** POST /holdings body. */
export const CreateAssetBody = v.strictObject({
  type: v.picklist(ASSET_TYPES, `must be one of ${ASSET_TYPES.join(", ")}`),
  label: requiredText(200),
  internal_ref: optionalText(100),
  jurisdiction: optionalText(100),
  entity_name: optionalText(200),
  entity_id: optionalText(100),
  currency,
  notes: optionalText(4000),
  active: v.optional(v.boolean(), true),
});

/** PATCH /holdings/:id body (any subset). */
export const PatchAssetBody = v.pipe(
  v.strictObject({
    type: v.optional(v.picklist(ASSET_TYPES, `must be one of ${ASSET_TYPES.join(", ")}`)),
    label: v.optional(requiredText(200)),
    internal_ref: v.optional(v.nullable(text(100))),
    jurisdiction: v.optional(v.nullable(text(100))),
    entity_name: v.optional(v.nullable(text(200))),
    entity_id: v.optional(v.nullable(text(100))),
    currency: v.optional(currency),
    notes: v.optional(v.nullable(text(4000))),
    active: v.optional(v.boolean()),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** POST /holdings/:id/valuations body. */
export const AddValuationBody = v.strictObject({
  amount: decimalString,
  currency,
  as_of: isoDate,
  source: requiredText(200),
  confidence: v.optional(v.picklist(CONFIDENCE, "must be low, medium or high"), "medium"),
  notes: optionalText(2000),
});

/** POST /holdings/:id/liabilities body. */
export const AddLiabilityBody = v.strictObject({
  kind: v.picklist(LIABILITY_KINDS, `must be one of ${LIABILITY_KINDS.join(", ")}`),
  lender: requiredText(200),
  balance: decimalString,
  currency,
  as_of: isoDate,
  notes: optionalText(2000),
});

/** POST /holdings/:id/liabilities/:liability_id/balances body. */
export const LiabilityBalanceBody = v.strictObject({
  balance: decimalString,
  currency: v.optional(currency),
  as_of: isoDate,
});

const rateString = v.pipe(
  v.string(),
  v.regex(/^\d{1,12}(\.\d{1,12})?$/, "must be a positive decimal such as 1.0825"),
  v.check((r) => /[1-9]/.test(r), "must be greater than 0"),
);

/** PUT /holdings/fx_rates/:currency/:as_of body. */
export const FxRateBody = v.strictObject({
  rate: rateString,
  /** The currency the rate converts into (default: the configured base currency). */
  base: v.optional(currency),
});

/** Pack config (`config.holdings`). */
export const HoldingsConfig = v.object({
  base_currency: v.optional(currency, "USD"),
  /** Units of base currency per one unit of the keyed currency, as decimal strings. */
  fx_rates: v.optional(v.record(v.string(), v.pipe(v.string(), v.regex(/^\d{1,12}(\.\d{1,12})?$/))), {}),
  stale_after_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 180),
});
export type HoldingsConfig = v.InferOutput<typeof HoldingsConfig>;

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** Sum of one currency in a group, and how many holdings hold it. */
const CurrencySum = v.object({ minor: v.pipe(v.number(), v.safeInteger()), n: count });
/** Count, value and liabilities (per currency) of the active holdings of one group. */
export const SumGroup = v.object({
  count,
  value: v.record(v.string(), CurrencySum),
  liabilities: v.record(v.string(), CurrencySum),
});
export type SumGroup = v.InferOutput<typeof SumGroup>;

/** The summary's stored sums (see summary-index.ts), kept up to date by every holding write. */
export const SummarySums = v.object({
  version: count,
  totals: SumGroup,
  by: v.object({
    type: v.record(v.string(), SumGroup),
    jurisdiction: v.record(v.string(), SumGroup),
    entity: v.record(v.string(), SumGroup),
    currency: v.record(v.string(), SumGroup),
  }),
  /** Active holdings per valuation date (`never` for those never valued). */
  valued: v.record(v.string(), count),
  /** When every holding was last counted and the sums checked against them. */
  checked_at: v.nullable(v.string()),
});
export type SummarySums = v.InferOutput<typeof SummarySums>;

/**
 * Summary cache bookkeeping of earlier versions (the write generation and the cached aggregates):
 * migration 1 removes the records.
 */
export const SummaryMeta = v.object({
  gen: v.pipe(v.number(), v.safeInteger()),
  day: v.string(),
  computed_at: v.string(),
  data: v.unknown(),
});

// Response schemas (OpenAPI): what the routes answer, precise about types, open to extra fields.

const int = v.pipe(v.number(), v.safeInteger());

/** A holding as the API returns it: the stored fields plus id, rev and timestamps. */
export const AssetRecord = stored(Asset);
/** One page of holdings. */
export const AssetPage = pageOf(AssetRecord);

/** GET /holdings/:id: the holding with its net equity in the base currency and its staleness. */
export const AssetView = v.looseObject({
  ...AssetRecord.entries,
  /** `null` when a rate to the base currency is missing (`equity_error` says which). */
  equity: v.nullable(
    v.object({ value_minor: int, liabilities_minor: int, equity_minor: int, currency: v.string() }),
  ),
  equity_error: v.nullable(v.string()),
  stale: v.boolean(),
  age_days: v.nullable(v.pipe(v.number(), v.integer())),
});

/** A valuation as the API returns it. */
export const ValuationResponse = stored(ValuationRecord);
/** One page of a holding's valuation history. */
export const ValuationPage = pageOf(ValuationResponse);
/** A liability as the API returns it. */
export const LiabilityRecord = stored(Liability);
/** One page of a holding's liabilities. */
export const LiabilityPage = pageOf(LiabilityRecord);

/** One summary group, converted to the base currency. */
const SummaryGroup = v.object({
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
  value_minor: int,
  liabilities_minor: int,
  equity_minor: int,
});

/** GET /holdings/summary. */
export const HoldingsSummary = v.object({
  base_currency: v.string(),
  as_of: isoDate,
  stale_after_days: v.pipe(v.number(), v.integer(), v.minValue(1)),
  totals: SummaryGroup,
  by_type: v.record(v.string(), SummaryGroup),
  by_jurisdiction: v.record(v.string(), SummaryGroup),
  by_entity: v.record(v.string(), SummaryGroup),
  by_currency: v.record(v.string(), SummaryGroup),
  /**
   * The stalest holdings (never valued first, then the oldest valuation), at most 100: those whose
   * latest valuation is older than the limit, or that have none.
   */
  stale: v.array(
    v.object({
      id: v.string(),
      label: v.string(),
      as_of: v.nullable(v.string()),
      age_days: v.nullable(v.pipe(v.number(), v.integer())),
    }),
  ),
  /** How many active holdings are stale (`stale` lists at most 100 of them). */
  stale_total: v.pipe(v.number(), v.integer()),
});

/** A liability balance as the API returns it. */
export const LiabilityBalanceRecord = stored(LiabilityBalance);
/** One page of a liability's balances. */
export const LiabilityBalancePage = pageOf(LiabilityBalanceRecord);
/** A dated FX rate as the API returns it. */
export const FxRateRecord = stored(FxRate);
/** GET /holdings/fx_rates response. */
export const FxRatePage = pageOf(FxRateRecord);

/** GET /holdings/history (JSON). */
export const NetWorthHistory = v.object({
  base_currency: v.string(),
  interval: v.picklist(["month", "quarter", "year"]),
  from: v.string(),
  to: v.string(),
  points: v.array(
    v.object({
      date: v.string(),
      holdings: v.pipe(v.number(), v.integer(), v.minValue(0)),
      value_minor: int,
      liabilities_minor: int,
      net_worth_minor: int,
      rates: v.record(v.string(), v.string()),
    }),
  ),
});
