import type { Stored } from "@valhalla/runtime";
import { expectedMinor } from "./amount-due.js";
import {
  adjustForWeekend,
  type DayOfMonth,
  daysInMonth,
  monthDays,
  monthStep,
  occurrencesBetween,
  resolveDay,
  type Schedule,
  type WeekendAdjustment,
} from "./due-dates.js";
import type { BillsEstimate } from "./refs.js";
import type { Bill, EstimateAggregate } from "./schemas.js";
import type { BillsContext } from "./storage.js";

// A month-based bill falls due on one or two "streams": a day of the month, every n months from a
// first month, moved off weekends one way. Every bill of a stream that has started by a month
// falls due on the same dates in it, so a month's totals are the stream sums (per stream, first
// month and currency) times their occurrences, less the skipped occurrences falling due in it.
// Each bill write moves its own contribution between a handful of those sums, and an estimate
// reads the sums plus, for its items, the bills of each due date in id order through the
// `est_day` index, stopping once it has enough. Day-based schedules (and the rare twice-monthly
// pair whose days can coincide) are keyed `other` and read one by one.

/** Key of the bills an estimate reads one by one. */
export const OTHER = "other";

const W_CODE: Record<WeekendAdjustment, string> = {
  none: "n",
  previous_business_day: "p",
  next_business_day: "x",
};
const W_OF: Record<string, WeekendAdjustment> = {
  n: "none",
  p: "previous_business_day",
  x: "next_business_day",
};
const DAY_BASED = new Set(["weekly", "every_n_weeks", "every_n_days"]);

interface Stream {
  readonly key: string;
  readonly n: number;
  readonly d: DayOfMonth;
  readonly w: WeekendAdjustment;
  /** Month index (year × 12 + month − 1) of the first nominal date on or after the anchor. */
  readonly first: number;
}

const monthIdx = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const monthOf = (idx: number) =>
  `${String(Math.floor(idx / 12)).padStart(4, "0")}-${String((idx % 12) + 1).padStart(2, "0")}`;
const dayIn = (idx: number, d: DayOfMonth) =>
  `${monthOf(idx)}-${String(resolveDay(Math.floor(idx / 12), (idx % 12) + 1, d)).padStart(2, "0")}`;

/** The due streams of a bill, or null when its occurrences do not split into streams. */
function streamsOf(b: Bill): Stream[] | null {
  if (DAY_BASED.has(b.cadence)) return null;
  const days = monthDays(b);
  if (days.length === 2) {
    // Two days that can resolve to the same date in a short month count once there.
    const [p, q] = days.map((d) => (d === "last" ? 31 : d)) as [number, number];
    if (p === q || Math.min(p, q) >= 28) return null;
  }
  const n = monthStep(b);
  const a = monthIdx(b.anchor_date);
  return days.map((d) => ({
    key: `${n}-${a % n}-${d === "last" ? "L" : d}-${W_CODE[b.weekend_adjustment]}`,
    n,
    d,
    w: b.weekend_adjustment,
    first: dayIn(a, d) >= b.anchor_date ? a : a + n,
  }));
}

/** The stream of a `class` aggregate as a schedule whose first nominal date is its first month's. */
function streamSchedule(agg: Pick<EstimateAggregate, "key" | "month">): Schedule {
  const [n, , d, w] = agg.key.split("-") as [string, string, string, string];
  return {
    cadence: "every_n_months",
    interval: Number(n),
    anchor_date: `${agg.month}-01`,
    day_of_month: d === "L" ? "last" : Number(d),
    second_day_of_month: null,
    weekend_adjustment: W_OF[w] ?? "none",
  };
}

/**
 * The estimate index keys of a bill: its streams while active, `other` for a schedule read one by
 * one, null when it is not active.
 * @internal
 */
export function estimateKeys(b: Bill): { est_day: string | null; est_day2: string | null } {
  if (b.status !== "active") return { est_day: null, est_day2: null };
  const streams = streamsOf(b);
  if (!streams) return { est_day: OTHER, est_day2: null };
  return { est_day: streams[0]!.key, est_day2: streams[1]?.key ?? null };
}

const amountsOf = (b: Bill) => {
  const exp = expectedMinor(b);
  return {
    expected_minor: exp,
    min_minor: b.amount_minor ?? b.min_minor ?? exp,
    max_minor: b.amount_minor ?? b.max_minor ?? exp,
  };
};

/** Id of an aggregate record. @internal */
export const aggregateId = (a: Pick<EstimateAggregate, "kind" | "key" | "month" | "currency">): string =>
  a.kind === "class" ? `c_${a.key}_${a.month}_${a.currency}` : `s_${a.month}_${a.currency}`;

/** What one bill adds to the aggregates. */
function aggregatePartsOf(b: Bill): EstimateAggregate[] {
  if (b.status !== "active") return [];
  const streams = streamsOf(b);
  if (!streams) return [];
  const amounts = amountsOf(b);
  const out: EstimateAggregate[] = [];
  for (const s of streams) {
    out.push({
      kind: "class",
      key: s.key,
      month: monthOf(s.first),
      currency: b.currency,
      ...amounts,
      count: 1,
    });
    for (const nominal of new Set(b.skipped)) {
      const x = monthIdx(nominal);
      if (x < s.first || (x - s.first) % s.n !== 0 || dayIn(x, s.d) !== nominal) continue;
      const month = adjustForWeekend(nominal, s.w).slice(0, 7);
      out.push({ kind: "skip", key: "", month, currency: b.currency, ...amounts, count: 1 });
    }
  }
  return out;
}

/**
 * Add (`sign` 1) or take away (-1) one bill's contribution to estimate aggregates held by id: what
 * every bill write does to the `estagg` namespace. Seeds that write bills outside the pack fold
 * them with this and store the result (see `storeAggregates`).
 * @public
 */
export function foldEstimate(into: Map<string, EstimateAggregate>, b: Bill, sign: 1 | -1): void {
  for (const p of aggregatePartsOf(b)) {
    const id = aggregateId(p);
    const cur = into.get(id) ?? { ...p, expected_minor: 0, min_minor: 0, max_minor: 0, count: 0 };
    into.set(id, {
      ...cur,
      expected_minor: cur.expected_minor + sign * p.expected_minor,
      min_minor: cur.min_minor + sign * p.min_minor,
      max_minor: cur.max_minor + sign * p.max_minor,
      count: cur.count + sign * p.count,
    });
  }
}

/** The part of the estimate store a write touches: its aggregate records. @public */
export interface AggregateStore {
  get(id: string): Promise<Stored<EstimateAggregate> | null>;
  create(data: EstimateAggregate, options: { id: string }): Promise<unknown>;
  update(id: string, data: Partial<EstimateAggregate>, options: { ifRev: number }): Promise<unknown>;
  delete(id: string, options: { ifRev: number }): Promise<boolean>;
}

/**
 * Add folded differences to the stored aggregates (dropping those that reach zero). Not atomic
 * across records: the pack runs it under its estimate lock with the index marked dirty.
 * @public
 */
export async function storeAggregates(
  store: AggregateStore,
  delta: ReadonlyMap<string, EstimateAggregate>,
): Promise<void> {
  for (const [id, d] of delta) {
    if (d.count === 0 && d.expected_minor === 0 && d.min_minor === 0 && d.max_minor === 0) continue;
    const cur = await store.get(id);
    if (!cur) {
      await store.create(d, { id });
      continue;
    }
    const count = cur.count + d.count;
    if (count === 0) await store.delete(id, { ifRev: cur.rev });
    else
      await store.update(
        id,
        {
          expected_minor: cur.expected_minor + d.expected_minor,
          min_minor: cur.min_minor + d.min_minor,
          max_minor: cur.max_minor + d.max_minor,
          count,
        },
        { ifRev: cur.rev },
      );
  }
}

/** One estimate item. */
export type Item = BillsEstimate["items"][number];
/** Totals of one currency. */
export type Totals = { expected_minor: number; min_minor: number; max_minor: number; count: number };

/** First and last day of a month. */
export const monthBounds = (month: string): readonly [string, string] => {
  const days = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  return [`${month}-01`, `${month}-${String(days).padStart(2, "0")}`] as const;
};

/** What one bill adds to a month: its occurrences (skipped ones left out) while it is active. */
export function contribution(b: Stored<Bill>, month: string) {
  if (b.status !== "active") return [];
  const [from, to] = monthBounds(month);
  const { expected_minor, min_minor, max_minor } = amountsOf(b);
  return occurrencesBetween(b, from, to, { skipped: b.skipped }).map((o) => ({
    item: { bill_id: b.id, name: b.name, due_date: o.due, expected_minor, currency: b.currency },
    min: min_minor,
    max: max_minor,
  }));
}

/** Items by due date, then bill id. */
export const byDue = (p: Item, q: Item): number =>
  p.due_date < q.due_date
    ? -1
    : p.due_date > q.due_date
      ? 1
      : p.bill_id < q.bill_id
        ? -1
        : p.bill_id > q.bill_id
          ? 1
          : 0;

function addTotals(by: Record<string, Totals>, currency: string, t: Totals, times: number) {
  if (times === 0) return;
  const cur = (by[currency] ??= { expected_minor: 0, min_minor: 0, max_minor: 0, count: 0 });
  cur.expected_minor += times * t.expected_minor;
  cur.min_minor += times * t.min_minor;
  cur.max_minor += times * t.max_minor;
  cur.count += times * t.count;
  if (cur.count === 0) delete by[currency];
}

/** Bills of one index key in id order, a page at a time, each page no larger than `need()`. */
async function* keyed(ctx: BillsContext, field: "est_day" | "est_day2", key: string, need: () => number) {
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.bills.list({
      where: { [field]: key },
      order: "asc",
      cursor,
      limit: Math.min(500, Math.max(20, need())),
    });
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

async function* fromArray<T>(items: readonly T[]) {
  yield* items;
}

/** Merge id-ordered bill sources into one id-ordered sequence. */
async function* merged(sources: AsyncIterator<Stored<Bill>>[]) {
  const heads = await Promise.all(sources.map((s) => s.next()));
  for (;;) {
    let at = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (!h.done && (at < 0 || h.value.id < (heads[at]!.value as Stored<Bill>).id)) at = i;
    }
    if (at < 0) return;
    yield heads[at]!.value as Stored<Bill>;
    heads[at] = await sources[at]!.next();
  }
}

/**
 * A month's totals and its first `want` items (or all, when fewer), read from the aggregates and
 * the bills of the earliest due dates only.
 */
export async function storedMonth(
  ctx: BillsContext,
  month: string,
  want: number,
): Promise<{ by_currency: Record<string, Totals>; items_total: number; items: Item[] }> {
  const [from, to] = monthBounds(month);
  const by_currency: Record<string, Totals> = {};
  let items_total = 0;
  const keysOn = new Map<string, Set<string>>();
  for await (const agg of ctx.storage.estagg.iterate({ where: { kind: "class" }, order: "asc" })) {
    const dues = occurrencesBetween(streamSchedule(agg), from, to);
    addTotals(by_currency, agg.currency, agg, dues.length);
    items_total += dues.length * agg.count;
    for (const o of dues) {
      const keys = keysOn.get(o.due) ?? new Set();
      keysOn.set(o.due, keys.add(agg.key));
    }
  }
  for await (const agg of ctx.storage.estagg.iterate({ where: { kind: "skip", month }, order: "asc" })) {
    addTotals(by_currency, agg.currency, agg, -1);
    items_total -= agg.count;
  }
  const othersOn = new Map<string, Stored<Bill>[]>();
  for await (const b of ctx.storage.bills.iterate({ where: { est_day: OTHER }, order: "asc" })) {
    const parts = contribution(b, month);
    for (const { item, min, max } of parts) {
      addTotals(by_currency, item.currency, { ...item, min_minor: min, max_minor: max, count: 1 }, 1);
      const on = othersOn.get(item.due_date) ?? [];
      if (on[on.length - 1] !== b) on.push(b);
      othersOn.set(item.due_date, on);
    }
    items_total += parts.length;
  }
  const items: Item[] = [];
  const need = () => want - items.length + 1;
  for (const date of [...new Set([...keysOn.keys(), ...othersOn.keys()])].sort()) {
    if (items.length >= want) break;
    const sources: AsyncIterator<Stored<Bill>>[] = [fromArray(othersOn.get(date) ?? [])];
    for (const key of keysOn.get(date) ?? [])
      for (const field of ["est_day", "est_day2"] as const) sources.push(keyed(ctx, field, key, need));
    // Bills of a stream that starts later, or with this occurrence skipped, add nothing here.
    let last: string | undefined;
    for await (const b of merged(sources)) {
      if (b.id === last) continue;
      last = b.id;
      for (const { item } of contribution(b, month)) if (item.due_date === date) items.push(item);
      if (items.length >= want) break;
    }
  }
  return { by_currency, items_total, items };
}
