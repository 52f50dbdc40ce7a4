import { convertMinor, daysBetween, ProblemError, type Stored, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import type { Asset } from "./schemas.js";
import { HoldingsConfig } from "./schemas.js";
import type { HoldingsContext } from "./storage.js";

/** Rates as units of `base` per one unit of each key. */
export type FxTable = Readonly<Record<string, string>>;

/** The pack's config with defaults applied. */
export function configOf(ctx: Pick<HoldingsContext, "config">): HoldingsConfig {
  return v.parse(HoldingsConfig, ctx.config);
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

/** Convert to base or fail with 422 naming the missing pair — never a silent skip. */
export function toBase(amountMinor: number, currency: string, base: string, fx: FxTable): number {
  if (currency === base) return amountMinor;
  const rate = fx[currency];
  if (!rate) {
    throw new ProblemError(
      422,
      "fx-rate-missing",
      `No FX rate for ${currency}→${base}; pass fx=${currency}:<rate> or configure holdings.fx_rates`,
      {
        pair: `${currency}/${base}`,
        from: currency,
        to: base,
      },
    );
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
const emptyGroup = (): Group => ({ count: 0, value_minor: 0, liabilities_minor: 0, equity_minor: 0 });

/** Summary of active holdings grouped by type, jurisdiction, entity and currency, in `base`. */
export async function summarize(ctx: HoldingsContext, opts: { base: string; fx: FxTable }) {
  const cfg = configOf(ctx);
  const today = todayIn(ctx.timezone, ctx.now());
  const by = {
    type: {} as Record<string, Group>,
    jurisdiction: {} as Record<string, Group>,
    entity: {} as Record<string, Group>,
    currency: {} as Record<string, Group>,
  };
  const totals = emptyGroup();
  const stale: { id: string; label: string; as_of: string | null; age_days: number | null }[] = [];
  for await (const asset of ctx.storage.assets.iterate({ where: { active: true }, order: "asc" })) {
    const e = equityOf(asset, opts.base, opts.fx);
    const keys = {
      type: asset.type,
      jurisdiction: asset.jurisdiction ?? "unspecified",
      entity: asset.entity_id ?? asset.entity_name ?? "unspecified",
      currency: asset.valuation?.currency ?? asset.currency,
    };
    for (const dim of ["type", "jurisdiction", "entity", "currency"] as const)
      add((by[dim][keys[dim]] ??= emptyGroup()), e);
    add(totals, e);
    const s = staleness(asset, today, cfg.stale_after_days);
    if (s.stale)
      stale.push({
        id: asset.id,
        label: asset.label,
        as_of: asset.valuation?.as_of ?? null,
        age_days: s.age_days,
      });
  }
  return {
    base_currency: opts.base,
    as_of: today,
    stale_after_days: cfg.stale_after_days,
    totals,
    by_type: by.type,
    by_jurisdiction: by.jurisdiction,
    by_entity: by.entity,
    by_currency: by.currency,
    stale,
  };
}

function add(g: Group, e: { value_minor: number; liabilities_minor: number; equity_minor: number }) {
  g.count++;
  g.value_minor += e.value_minor;
  g.liabilities_minor += e.liabilities_minor;
  g.equity_minor += e.equity_minor;
}

/** Asset view with net equity in the base currency (null with the reason when a rate is missing). */
export function assetView(
  asset: Stored<Asset>,
  opts: { base: string; fx: FxTable; today: string; staleAfterDays: number },
) {
  let equity: (ReturnType<typeof equityOf> & { currency: string }) | null = null;
  let equity_error: string | null = null;
  try {
    equity = { ...equityOf(asset, opts.base, opts.fx), currency: opts.base };
  } catch (err) {
    equity_error = err instanceof Error ? err.message : String(err);
  }
  return { ...asset, equity, equity_error, ...staleness(asset, opts.today, opts.staleAfterDays) };
}
