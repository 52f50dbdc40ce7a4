import {
  ConflictError,
  convertMinor,
  daysBetween,
  ProblemError,
  type Stored,
  todayIn,
} from "@valhalla/runtime";
import * as v from "valibot";
import type { Asset } from "./schemas.js";
import { HoldingsConfig } from "./schemas.js";
import type { HoldingsContext } from "./storage.js";

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
const _emptyGroup = (): Group => ({ count: 0, value_minor: 0, liabilities_minor: 0, equity_minor: 0 });

/** Sums in each holding's own currencies; converted to a base only when read. */
interface NativeGroup {
  count: number;
  value: Record<string, number>;
  liabilities: Record<string, number>;
}
type Dimension = "type" | "jurisdiction" | "entity" | "currency";
const DIMENSIONS: readonly Dimension[] = ["type", "jurisdiction", "entity", "currency"];

type StaleHolding = { id: string; label: string; as_of: string | null; age_days: number | null };

/** Stale holdings a summary names: the stalest first. The rest are only counted (`stale_total`). */
const STALE_LISTED = 100;

/** Native aggregates of all active holdings: what the summary cache stores. */
export interface NativeSummary {
  totals: NativeGroup;
  by: Record<Dimension, Record<string, NativeGroup>>;
  /** The `STALE_LISTED` stalest holdings (never valued first, then oldest valuation), as of `today`. */
  stale: StaleHolding[];
  /** How many active holdings are stale; absent in summaries cached before it was counted. */
  stale_total?: number;
}

/** Never valued first, then the oldest valuation, then by id: a total order, so the list is stable. */
const staler = (p: StaleHolding, q: StaleHolding) =>
  p.age_days === q.age_days
    ? p.id < q.id
      ? -1
      : p.id > q.id
        ? 1
        : 0
    : p.age_days === null
      ? -1
      : q.age_days === null
        ? 1
        : q.age_days - p.age_days;

const nativeGroup = (): NativeGroup => ({ count: 0, value: {}, liabilities: {} });

function addNative(g: NativeGroup, asset: Asset) {
  g.count++;
  if (asset.valuation)
    g.value[asset.valuation.currency] =
      (g.value[asset.valuation.currency] ?? 0) + asset.valuation.amount_minor;
  for (const [cur, minor] of Object.entries(asset.liabilities))
    g.liabilities[cur] = (g.liabilities[cur] ?? 0) + minor;
}

/** One pass over active holdings (through the `active` index), page by page. */
export async function computeNative(
  ctx: HoldingsContext,
  today: string,
  staleAfterDays: number,
): Promise<NativeSummary> {
  const out: NativeSummary = {
    totals: nativeGroup(),
    by: { type: {}, jurisdiction: {}, entity: {}, currency: {} },
    stale: [],
    stale_total: 0,
  };
  // The list is bounded while it is built: a summary over 100k stale holdings used to keep (and
  // cache, and answer with) every one of them, 9 MB at 100k (#16).
  let stale: StaleHolding[] = [];
  let total = 0;
  for await (const asset of ctx.storage.assets.iterate({ where: { active: true }, order: "asc" })) {
    const keys: Record<Dimension, string> = {
      type: asset.type,
      jurisdiction: asset.jurisdiction ?? "unspecified",
      entity: asset.entity_id ?? asset.entity_name ?? "unspecified",
      currency: asset.valuation?.currency ?? asset.currency,
    };
    for (const dim of DIMENSIONS) addNative((out.by[dim][keys[dim]] ??= nativeGroup()), asset);
    addNative(out.totals, asset);
    const s = staleness(asset, today, staleAfterDays);
    if (!s.stale) continue;
    total++;
    stale.push({
      id: asset.id,
      label: asset.label,
      as_of: asset.valuation?.as_of ?? null,
      age_days: s.age_days,
    });
    if (stale.length >= 2 * STALE_LISTED) stale = stale.sort(staler).slice(0, STALE_LISTED);
  }
  out.stale = stale.sort(staler).slice(0, STALE_LISTED);
  out.stale_total = total;
  return out;
}

function convertGroup(g: NativeGroup, base: string, fx: FxTable): Group {
  let value = 0;
  let debt = 0;
  for (const [cur, minor] of Object.entries(g.value)) value += toBase(minor, cur, base, fx);
  for (const [cur, minor] of Object.entries(g.liabilities)) debt += toBase(minor, cur, base, fx);
  return { count: g.count, value_minor: value, liabilities_minor: debt, equity_minor: value - debt };
}

const convertAll = (groups: Record<string, NativeGroup>, base: string, fx: FxTable) =>
  Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, convertGroup(g, base, fx)]));

/**
 * Summary of active holdings grouped by type, jurisdiction, entity and currency, in `base`.
 * Sums per currency come from the summary cache (recomputed after any write, once a day, or
 * after 5 minutes), so repeated reads cost O(groups), not O(holdings). Converting per-currency
 * group sums rounds once per group and currency.
 */
export async function summarize(ctx: HoldingsContext, opts: { base: string; fx: FxTable }) {
  const cfg = configOf(ctx);
  const today = todayIn(ctx.timezone, ctx.now());
  const native = await cachedNative(ctx, today, cfg.stale_after_days);
  return {
    base_currency: opts.base,
    as_of: today,
    stale_after_days: cfg.stale_after_days,
    totals: convertGroup(native.totals, opts.base, opts.fx),
    by_type: convertAll(native.by.type, opts.base, opts.fx),
    by_jurisdiction: convertAll(native.by.jurisdiction, opts.base, opts.fx),
    by_entity: convertAll(native.by.entity, opts.base, opts.fx),
    by_currency: convertAll(native.by.currency, opts.base, opts.fx),
    stale: native.stale.slice(0, STALE_LISTED),
    stale_total: native.stale_total ?? native.stale.length,
  };
}

const GEN_ID = "gen";
const CACHE_ID = "summary";
const CACHE_MAX_AGE_MS = 5 * 60_000;

/**
 * Mark the summary cache stale. Call AFTER the holding write commits: a reader that computed in
 * between labels its result with the old generation, so it is never taken for the new one.
 */
export async function touchSummary(ctx: HoldingsContext): Promise<void> {
  const meta = ctx.storage.meta;
  if (await meta.get(GEN_ID)) {
    await meta.update(GEN_ID, (cur) => Object.assign({}, cur, { gen: cur.gen + 1 }));
    return;
  }
  try {
    await meta.create({ gen: 1, data: null, day: "", computed_at: "" }, { id: GEN_ID });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await meta.update(GEN_ID, (cur) => Object.assign({}, cur, { gen: cur.gen + 1 }));
  }
}

async function cachedNative(
  ctx: HoldingsContext,
  today: string,
  staleAfterDays: number,
): Promise<NativeSummary> {
  const meta = ctx.storage.meta;
  const gen = (await meta.get(GEN_ID))?.gen ?? 0;
  const cache = await meta.get(CACHE_ID);
  const now = ctx.now().getTime();
  if (
    cache &&
    cache.gen === gen &&
    cache.day === today &&
    now - Date.parse(cache.computed_at) < CACHE_MAX_AGE_MS
  ) {
    return cache.data as NativeSummary;
  }
  const data = await computeNative(ctx, today, staleAfterDays);
  const record = { gen, day: today, computed_at: new Date(now).toISOString(), data };
  // Best effort: a concurrent reader may have refreshed it first; either result is for `gen`.
  if (cache) await meta.update(CACHE_ID, record, { ifRev: cache.rev }).catch(() => {});
  else await meta.create(record, { id: CACHE_ID }).catch(() => {});
  return data;
}

/** Asset view with net equity in the base currency (null with the reason when a rate is missing). */
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
  // Object.assign, not `{ ...asset, equity, … }`: on Node 20 that literal takes V8's slow path and
  // cost more than the rest of a GET by id.
  return Object.assign({}, asset, { equity, equity_error, stale: age.stale, age_days: age.age_days });
}

/** The first currency of the asset (valuation, then liabilities) with no rate to `base`, if any. */
function missingRate(asset: Asset, base: string, fx: FxTable): string | undefined {
  const cur = asset.valuation?.currency;
  if (cur !== undefined && cur !== base && !fx[cur]) return cur;
  for (const c in asset.liabilities) if (c !== base && !fx[c]) return c;
  return undefined;
}
