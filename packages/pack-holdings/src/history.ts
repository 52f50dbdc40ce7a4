import { convertMinor, formatMoney, ProblemError, type Stored } from "@valhalla/runtime";
import type { Asset, FxRate, Liability, LiabilityBalance, ValuationRecord } from "./schemas.js";
import type { FxTable } from "./service.js";
import type { HoldingsContext } from "./storage.js";

// Net worth over time. Each point is a period end: every holding that existed then (not archived
// before it) counts with its latest valuation on or before that day and each liability's latest
// balance on or before it, converted at the latest dated rate on or before it (the request's `fx`
// and the configured `fx_rates` stand in where no dated rate exists). A missing rate is a 422
// naming the pair and the day, never a silent skip.

/** Period lengths a history can step by. */
export const INTERVALS = ["month", "quarter", "year"] as const;
export type Interval = (typeof INTERVALS)[number];

/** Most points one history may have. */
export const MAX_POINTS = 600;

const pad = (n: number) => String(n).padStart(2, "0");
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Period ends from the end of `from`'s period through `to`; the last point is `to` itself. */
export function periodEnds(from: string, to: string, interval: Interval): string[] {
  const step = interval === "month" ? 1 : interval === "quarter" ? 3 : 12;
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  // Align to the period's last month: quarters end in 3, 6, 9, 12; years in 12.
  if (interval === "quarter") m = Math.ceil(m / 3) * 3;
  if (interval === "year") m = 12;
  const out: string[] = [];
  for (;;) {
    const end = `${y}-${pad(m)}-${pad(lastDay(y, m))}`;
    if (end >= to) {
      out.push(to);
      return out;
    }
    out.push(end);
    if (out.length > MAX_POINTS) return out;
    m += step;
    while (m > 12) {
      m -= 12;
      y += 1;
    }
  }
}

/** One dated series, sorted by `as_of`: the value in force on a day is the last one on or before it. */
function latestOnOrBefore<T extends { as_of: string }>(series: readonly T[], day: string): T | undefined {
  let found: T | undefined;
  for (const x of series) {
    if (x.as_of > day) break;
    found = x;
  }
  return found;
}

const byAsOf = <T extends { as_of: string; id: string }>(a: T, b: T) =>
  a.as_of < b.as_of ? -1 : a.as_of > b.as_of ? 1 : a.id < b.id ? -1 : 1;

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A liability's balances over time: its recorded balances, or the liability itself when it has none. */
function balanceSeries(l: Stored<Liability>, recorded: readonly Stored<LiabilityBalance>[] | undefined) {
  if (recorded && recorded.length > 0) return [...recorded].sort(byAsOf);
  return [{ id: l.id, as_of: l.as_of, balance_minor: l.balance_minor, currency: l.currency }];
}

/** One point of the history. */
export interface HistoryPoint {
  readonly date: string;
  readonly holdings: number;
  readonly value_minor: number;
  readonly liabilities_minor: number;
  readonly net_worth_minor: number;
  /** The rate used for each other currency on that day (units of base per unit). */
  readonly rates: Readonly<Record<string, string>>;
}

/** Net worth at each period end between `from` and `to`, in `base`. */
export async function netWorthHistory(
  ctx: HoldingsContext,
  options: { from: string; to: string; interval: Interval; base: string; fallback: FxTable },
): Promise<{ base_currency: string; interval: Interval; from: string; to: string; points: HistoryPoint[] }> {
  const { from, to, interval, base, fallback } = options;
  const ends = periodEnds(from, to, interval);
  if (ends.length > MAX_POINTS)
    throw new ProblemError(400, "validation-failed", `Invalid query: more than ${MAX_POINTS} points`, {
      errors: [{ pointer: "/query/to", field: "to", message: `gives more than ${MAX_POINTS} ${interval}s` }],
    });
  const assets: Stored<Asset>[] = [];
  for await (const a of ctx.storage.assets.iterate()) assets.push(a);
  const valuations = new Map<string, Stored<ValuationRecord>[]>();
  for await (const val of ctx.storage.valuations.iterate()) push(valuations, val.asset_id, val);
  const liabilities = new Map<string, Stored<Liability>[]>();
  for await (const l of ctx.storage.liabilities.iterate()) push(liabilities, l.asset_id, l);
  const balances = new Map<string, Stored<LiabilityBalance>[]>();
  for await (const b of ctx.storage.liability_balances.iterate()) push(balances, b.liability_id, b);
  const rates = new Map<string, Stored<FxRate>[]>();
  for await (const r of ctx.storage.fx_rates.iterate({ where: { base } })) push(rates, r.currency, r);
  for (const list of [...valuations.values(), ...rates.values()]) list.sort(byAsOf);

  const points = ends.map((day) => {
    const used: Record<string, string> = {};
    const convert = (minor: number, currency: string) => {
      if (currency === base || minor === 0) return minor;
      const rate = latestOnOrBefore(rates.get(currency) ?? [], day)?.rate ?? fallback[currency];
      if (!rate)
        throw new ProblemError(
          422,
          "fx-rate-missing",
          `No FX rate for ${currency}→${base} on or before ${day}; record one with PUT /holdings/fx_rates/${currency}/<date> or pass fx=${currency}:<rate>`,
          { pair: `${currency}/${base}`, from: currency, to: base, date: day },
        );
      used[currency] = rate;
      return convertMinor(minor, currency, base, rate);
    };
    let holdings = 0;
    let value = 0;
    let debt = 0;
    for (const a of assets) {
      if (a.archived_at !== null && a.archived_at.slice(0, 10) <= day) continue;
      const val = latestOnOrBefore(valuations.get(a.id) ?? [], day);
      let owed = 0;
      for (const l of liabilities.get(a.id) ?? []) {
        const b = latestOnOrBefore(balanceSeries(l, balances.get(l.id)), day);
        if (b) owed += convert(b.balance_minor, b.currency);
      }
      if (!val && owed === 0) continue;
      holdings++;
      if (val) value += convert(val.amount_minor, val.currency);
      debt += owed;
    }
    return {
      date: day,
      holdings,
      value_minor: value,
      liabilities_minor: debt,
      net_worth_minor: value - debt,
      rates: used,
    };
  });
  return { base_currency: base, interval, from, to, points };
}

/** The history as CSV: one row per point, amounts as decimals of the base currency. */
export function historyCsv(h: Awaited<ReturnType<typeof netWorthHistory>>): string {
  const money = (minor: number) => formatMoney({ amount_minor: minor, currency: h.base_currency });
  const rows = h.points.map((p) =>
    [
      p.date,
      h.base_currency,
      p.holdings,
      money(p.value_minor),
      money(p.liabilities_minor),
      money(p.net_worth_minor),
    ].join(","),
  );
  return `${["date", "currency", "holdings", "value", "liabilities", "net_worth"].join(",")}\n${rows.join("\n")}\n`;
}
