import {
  type Bill,
  bills,
  type EstimateAggregate,
  foldEstimate,
  storeAggregates,
  withDueIndex,
} from "@valhalla/pack-bills";
import {
  budget,
  emptyTotals,
  type FoldableEntry,
  foldEntry,
  type MonthTotals,
  totalsId,
} from "@valhalla/pack-budget";
import {
  ASSET_TYPES,
  type Asset,
  cloneSums,
  emptySums,
  foldSummary,
  holdings,
  SUMS_ID,
  type SummarySums,
  valuedOn,
} from "@valhalla/pack-holdings";
import { bindCollection, type Collection, type CollectionDef, type Driver } from "@valhalla/runtime";

type Rec = Record<string, unknown>;
const def = (pack: { storage?: unknown }, ns: string) => (pack.storage as Record<string, CollectionDef>)[ns]!;

/** What a scale data set holds: N of each seeded record kind, in the month the host sees as today. */
export interface SeedSpec {
  readonly month: string;
}

/**
 * Write `count` records through the collection code (validation, index encoding, CAS write),
 * not over HTTP. On SQLite the inserts are grouped into transactions of 2,000 so seeding 100k
 * takes seconds; elsewhere they run 32 at a time.
 */
async function fill(driver: Driver, coll: Collection<Rec>, count: number, make: (i: number) => Rec) {
  const db = (driver as { database?: () => { exec(sql: string): void } }).database?.();
  const batch = db ? 2000 : 32;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    if (db) {
      db.exec("BEGIN IMMEDIATE");
      try {
        // The sqlite driver's writes are synchronous inside; nested they become savepoints.
        for (let i = start; i < end; i++) await coll.create(make(i));
        db.exec("COMMIT");
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    } else {
      const jobs: Promise<unknown>[] = [];
      for (let i = start; i < end; i++) jobs.push(coll.create(make(i)));
      await Promise.all(jobs);
    }
  }
}

const CURRENCIES = ["USD", "USD", "USD", "EUR"];

/** A holding like one created over HTTP, with a valuation and a liability on most. */
export function assetRecord(i: number): Rec {
  const currency = CURRENCIES[i % CURRENCIES.length]!;
  const active = i % 10 !== 9;
  const valuation =
    i % 5 === 4
      ? null
      : {
          amount_minor: 10_000_000 + i * 100,
          currency,
          as_of: "2024-06-01",
          source: "bench",
          confidence: "medium" as const,
          valuation_id: `val_bench${i}`,
        };
  return {
    type: ASSET_TYPES[i % ASSET_TYPES.length],
    label: `Holding ${i}`,
    internal_ref: `REF-${i}`,
    jurisdiction: ["US-CA", "US-TX", "US-NY", "PT"][i % 4],
    entity_name: `Entity ${i % 50}`,
    entity_id: `ent_${i % 50}`,
    currency,
    notes: null,
    active,
    archived_at: null,
    valuation,
    liabilities: i % 3 === 0 ? { [currency]: 2_500_000 + i } : {},
    valued_on: valuedOn({ active, valuation }),
  };
}

/** Seed `count` holdings and add them to the summary's sums; returns the ids of the first `keep`. */
export async function seedHoldings(driver: Driver, count: number, keep = 0): Promise<string[]> {
  const coll = bindCollection<Rec, string>(driver, "holdings.assets", def(holdings, "assets"));
  const ids: string[] = [];
  const wrapped: Collection<Rec> = {
    ...coll,
    create: async (data, o) => {
      const r = await coll.create(data, o);
      if (ids.length < keep) ids.push(r.id);
      return r;
    },
  };
  await fill(driver, wrapped, count, assetRecord);
  // As every holding write does: the summary's stored sums take in the seeded holdings.
  const sums = bindCollection<Rec, string>(driver, "holdings.sums", def(holdings, "sums"));
  const cur = await sums.get(SUMS_ID);
  const next = cur ? cloneSums(cur as unknown as SummarySums) : emptySums();
  for (let i = 0; i < count; i++) foldSummary(next, assetRecord(i) as unknown as Asset, 1);
  if (cur) await sums.update(SUMS_ID, next as unknown as Rec);
  else await sums.create(next as unknown as Rec, { id: SUMS_ID });
  return ids;
}

/**
 * Seed `count` ledger entries of `month` (no buckets: the snapshot's cost is the ledger and bills),
 * and fold them into the month's totals record, as posting them through the pack would.
 */
export async function seedTransactions(driver: Driver, count: number, month: string): Promise<void> {
  const coll = bindCollection<Rec, string>(driver, "budget.transactions", def(budget, "transactions"));
  const entry = (i: number) => ({
    kind: i % 7 === 0 ? ("income" as const) : ("expense" as const),
    amount_minor: 1000 + (i % 5000),
    currency: "USD",
    date: `${month}-${String((i % 28) + 1).padStart(2, "0")}`,
    month,
    bucket_id: null,
    category: ["groceries", "rent", "fuel"][i % 3]!,
    payee: `Payee ${i % 200}`,
    memo: null,
    reverses: null,
    rule_ids: [],
    auto_fields: [],
    override: null,
    actor: "bench",
  });
  await fill(driver, coll, count, entry);
  const totals = bindCollection<MonthTotals, string>(driver, "budget.totals", def(budget, "totals"));
  const cur = await totals.get(totalsId(month));
  let next: MonthTotals = cur ?? emptyTotals(month);
  for (let i = 0; i < count; i++) next = foldEntry(next, entry(i) satisfies FoldableEntry);
  if (cur) await totals.update(cur.id, next);
  else await totals.create(next, { id: totalsId(month) });
}

/**
 * Seed `count` monthly bills, keyed for the due-date and estimate indexes as the pack keys them
 * today (UTC, the host's zone), and add them to the stored estimate aggregates as a bill create does.
 */
export async function seedBills(driver: Driver, count: number): Promise<void> {
  const coll = bindCollection<Rec, string>(driver, "bills.bills", def(bills, "bills"));
  const today = new Date().toISOString().slice(0, 10);
  const sums = new Map<string, EstimateAggregate>();
  await fill(driver, coll, count, (i) => {
    const b = withDueIndex(billRecord(i), today);
    foldEstimate(sums, b, 1);
    return b;
  });
  const aggs = bindCollection<EstimateAggregate, string>(driver, "bills.estagg", def(bills, "estagg"));
  await storeAggregates(aggs, sums);
}

function billRecord(i: number): Bill {
  return {
    name: `Bill ${i}`,
    payee: `Payee ${i % 200}`,
    currency: "USD",
    amount_minor: 5000 + (i % 1000),
    min_minor: null,
    max_minor: null,
    cadence: "monthly",
    interval: 1,
    anchor_date: "2024-01-01",
    day_of_month: (i % 28) + 1,
    second_day_of_month: null,
    weekend_adjustment: "none",
    autopay: i % 2 === 0,
    status: i % 10 === 9 ? "paused" : "active",
    notes: null,
    grace_days: null,
    tracked_from: "2024-01-01",
    skipped: [],
    autopay_steps_done: [],
    paid: [],
    next_open_due: null,
  };
}

/** Grow a data set from `from` to `to` records of each kind. */
export async function seedScale(driver: Driver, from: number, to: number, spec: SeedSpec): Promise<void> {
  const n = to - from;
  if (n <= 0) return;
  await seedHoldings(driver, n);
  await seedTransactions(driver, n, spec.month);
  await seedBills(driver, n);
}
