import { convertMinor, daysBetween, ProblemError, type Stored, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import type { Asset, SumGroup } from "./schemas.js";
import { HoldingsConfig } from "./schemas.js";
import type { HoldingsContext } from "./storage.js";
import { readSums, staleHoldings } from "./summary-index.js";

/** Rates as units of `base` per one unit of each key. */
export type FxTable = Readonly<Record<string, string>>;

/** The pack's config with defaults applied. */
// A context's config object is fixed for the registry's life: parse it once, not per request.
const parsedConfigs = new WeakMap<object, HoldingsConfig>();
export function configOf(ctx: Pick<HoldingsContext, "config">): HoldingsConfig {
  let cfg = parsedConfigs.get(ctx.config);
  if (!cfg) {
    cfg = v.parse(HoldingsConfig, ctx.config);
    parsedConfigs.set(ctx.config, cfg);
  }
  return cfg;
}

/**
 * Parse `fx=EUR:1.0825,GBP:1.27` into a table; the request's rates override configured ones.
 * @throws ProblemError 400 naming the malformed pair
 */
export function parseFxParam(raw: string | undefined): FxTable {
  if (!raw) return {};
  const out: Record<string, string> = {};
  for (const part of raw.split(",")) {
    const m = /^([A-Z]{3}):(\d{1,12}(?:\.\d{1,12})?)$/.exec(part.trim());
    if (!m) {
      throw new ProblemError(
        400,
        "validation-failed",
        `Invalid fx entry '${part}'; use CUR:rate such as EUR:1.0825`,
        {
          errors: [{ pointer: "/query/fx", field: "fx", message: `'${part}' is not CUR:rate` }],
        },
      );
    }
    out[m[1]!] = m[2]!;
  }
  return out;
}

const missingRateMessage = (currency: string, base: string) =>
  `No FX rate for ${currency}→${base}; pass fx=${currency}:<rate> or configure holdings.fx_rates`;

/** Convert to base or fail with 422 naming the missing pair — never a silent skip. */
export function toBase(amountMinor: number, currency: string, base: string, fx: FxTable): number {
  if (currency === base) return amountMinor;
  const rate = fx[currency];
  if (!rate) {
    throw new ProblemError(422, "fx-rate-missing", missingRateMessage(currency, base), {
      pair: `${currency}/${base}`,
      from: currency,
      to: base,
    });
  }
  return convertMinor(amountMinor, currency, base, rate);
}

/** Value, liabilities and equity of one asset in `base`. */
export function equityOf(
  asset: Asset,
  base: string,
  fx: FxTable,
): { value_minor: number; liabilities_minor: number; equity_minor: number } {
  const value = asset.valuation
    ? toBase(asset.valuation.amount_minor, asset.valuation.currency, base, fx)
    : 0;
  let debt = 0;
  for (const [cur, minor] of Object.entries(asset.liabilities)) debt += toBase(minor, cur, base, fx);
  return { value_minor: value, liabilities_minor: debt, equity_minor: value - debt };
}

/** Whether the asset's latest valuation is older than the stale limit (or missing). */
export function staleness(
  asset: Asset,
  today: string,
  staleAfterDays: number,
): { stale: boolean; age_days: number | null } {
  if (!asset.valuation) return { stale: true, age_days: null };
  const age = daysBetween(asset.valuation.as_of, today);
  return { stale: age > staleAfterDays, age_days: age };
}

interface Group {
  count: number;
  value_minor: number;
  liabilities_minor: number;
  equity_minor: number;
}

/** Stale holdings a summary names: the stalest first. The rest are only counted (`stale_total`). */
const STALE_LISTED = 100;

function convertGroup(g: SumGroup, base: string, fx: FxTable): Group {
  let value = 0;
  let debt = 0;
  for (const [cur, sum] of Object.entries(g.value)) value += toBase(sum.minor, cur, base, fx);
  for (const [cur, sum] of Object.entries(g.liabilities)) debt += toBase(sum.minor, cur, base, fx);
  return { count: g.count, value_minor: value, liabilities_minor: debt, equity_minor: value - debt };
}

const convertAll = (groups: Record<string, SumGroup>, base: string, fx: FxTable) =>
  Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, convertGroup(g, base, fx)]));

/**
 * Summary of active holdings grouped by type, jurisdiction, entity and currency, in `base`, with
 * the stalest holdings. Read from the sums every holding write keeps (summary-index.ts), so its
 * cost does not grow with the number of holdings. Converting per-currency group sums rounds once
 * per group and currency.
 */
export async function summarize(ctx: HoldingsContext, opts: { base: string; fx: FxTable }) {
  const cfg = configOf(ctx);
  const today = todayIn(ctx.timezone, ctx.now());
  const sums = await readSums(ctx);
  const stale = await staleHoldings(ctx, sums, today, cfg.stale_after_days, STALE_LISTED);
  return {
    base_currency: opts.base,
    as_of: today,
    stale_after_days: cfg.stale_after_days,
    totals: convertGroup(sums.totals, opts.base, opts.fx),
    by_type: convertAll(sums.by.type, opts.base, opts.fx),
    by_jurisdiction: convertAll(sums.by.jurisdiction, opts.base, opts.fx),
    by_entity: convertAll(sums.by.entity, opts.base, opts.fx),
    by_currency: convertAll(sums.by.currency, opts.base, opts.fx),
    stale: stale.stale,
    stale_total: stale.total,
  };
}

/**
 * Asset view with net equity in the base currency (null with the reason when a rate is missing).
 * It is `asset` extended in place: pass a copy you own (a record just read), not one kept elsewhere.
 */
export function assetView(
  asset: Stored<Asset>,
  opts: { base: string; fx: FxTable; today: string; staleAfterDays: number },
) {
  let equity: (ReturnType<typeof equityOf> & { currency: string }) | null = null;
  let equity_error: string | null = null;
  // Checked up front rather than caught: a missing rate is an ordinary answer here, and building
  // the exception (with its stack) cost more than the rest of the view.
  const missing = missingRate(asset, opts.base, opts.fx);
  if (missing) equity_error = missingRateMessage(missing, opts.base);
  else {
    const e = equityOf(asset, opts.base, opts.fx);
    equity = {
      value_minor: e.value_minor,
      liabilities_minor: e.liabilities_minor,
      equity_minor: e.equity_minor,
      currency: opts.base,
    };
  }
  const age = staleness(asset, opts.today, opts.staleAfterDays);
  // The view is `asset` itself, extended: copying its seventeen fields into a new object (a spread
  // or `Object.assign({}, …)`) cost about 5,000 instructions, 2% of a GET by id.
  const view = asset as AssetViewOf<typeof asset>;
  view.equity = equity;
  view.equity_error = equity_error;
  view.stale = age.stale;
  view.age_days = age.age_days;
  return view;
}

type AssetViewOf<A> = A & {
  equity: (ReturnType<typeof equityOf> & { currency: string }) | null;
  equity_error: string | null;
  stale: boolean;
  age_days: number | null;
};

/** The first currency of the asset (valuation, then liabilities) with no rate to `base`, if any. */
function missingRate(asset: Asset, base: string, fx: FxTable): string | undefined {
  const cur = asset.valuation?.currency;
  if (cur !== undefined && cur !== base && !fx[cur]) return cur;
  for (const c in asset.liabilities) if (c !== base && !fx[c]) return c;
  return undefined;
}
