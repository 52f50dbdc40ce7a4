import { moneyText, type Stored } from "@valhalla/runtime";
import { coveredByBuckets } from "./bill-coverage.js";
import { EMPTY_CURRENCY, emptyTotals, monthTotals } from "./month-totals.js";
import type { Bucket, CurrencyTotals, MonthTotals } from "./schemas.js";
import { configOf, houseOf, nextMonth, thisMonth } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { cachedSummary } from "./summary-cache.js";

/** A bucket's figures for one month; every number derives from allocations and the ledger. */
export interface BucketMonth {
  readonly bucket_id: string;
  readonly name: string;
  readonly type: Bucket["type"];
  readonly priority: Bucket["priority"];
  readonly rollover: Bucket["rollover"];
  readonly allocated_minor: number;
  readonly carryover_minor: number;
  readonly spent_minor: number;
  readonly available_minor: number;
}

/** What the carry-over chain reads from a closed month's frozen snapshot. */
export interface FrozenMonth {
  readonly buckets: readonly BucketMonth[];
}

/** The frozen snapshots of closed months, by month. */
export async function closedMonths(ctx: BudgetContext): Promise<Map<string, FrozenMonth>> {
  const out = new Map<string, FrozenMonth>();
  for await (const c of ctx.storage.closings.iterate())
    out.set(c.month, c.snapshot as unknown as FrozenMonth);
  return out;
}

/** Whether `month` has been closed. */
export async function isClosed(ctx: BudgetContext, month: string): Promise<boolean> {
  return (await ctx.storage.closings.get(`close_${month}`)) !== null;
}

/** Reads each month's totals once within one computation. */
export type TotalsReader = (month: string) => Promise<MonthTotals>;

/**
 * A memoising reader of month totals. `held` supplies the totals of the month whose lock the caller
 * holds, since reading them would try to take that lock again.
 */
export function totalsReader(
  ctx: BudgetContext,
  held?: { readonly month: string; readonly totals: MonthTotals | null },
): TotalsReader {
  const memo = new Map<string, Promise<MonthTotals>>();
  if (held) memo.set(held.month, Promise.resolve(held.totals ?? emptyTotals(held.month)));
  return (month) => {
    let p = memo.get(month);
    if (!p) memo.set(month, (p = monthTotals(ctx, month)));
    return p;
  };
}

/** The budget currency's share of a month's totals. */
const inBudgetCurrency = (ctx: BudgetContext, t: MonthTotals): CurrencyTotals =>
  t.by_currency[configOf(ctx).currency] ?? EMPTY_CURRENCY;

/**
 * Allocated, carried over, spent and available for a bucket in `month`:
 * available = carryover + allocated − spent, where spent sums the bucket's expense entries
 * (reversals included) and allocated is the month's allocation, else the bucket's monthly limit.
 * Closed months contribute their frozen figures to the carry-over chain. Spent comes from the
 * months' stored totals, so the cost grows with the chain's months, not with the ledger.
 */
export async function bucketMonth(
  ctx: BudgetContext,
  bucket: Stored<Bucket>,
  month: string,
  closed: Map<string, FrozenMonth>,
  totals: TotalsReader = totalsReader(ctx),
): Promise<BucketMonth> {
  const frozen = closed.get(month)?.buckets.find((b) => b.bucket_id === bucket.id);
  if (frozen) return frozen;
  const allocs = new Map<string, number>();
  for await (const a of ctx.storage.allocations.iterate({ where: { bucket_id: bucket.id } }))
    allocs.set(a.month, a.amount_minor);
  const spentIn = async (m: string) => inBudgetCurrency(ctx, await totals(m)).spent_by_bucket[bucket.id] ?? 0;
  const allocated = (m: string) =>
    m < bucket.start_month ? 0 : (allocs.get(m) ?? bucket.monthly_limit_minor);
  let carry = 0;
  // Without rollover nothing carries, so earlier months need not be read at all.
  if (bucket.rollover !== "none")
    for (let m = bucket.start_month; m < month; m = nextMonth(m)) {
      const f = closed.get(m)?.buckets.find((b) => b.bucket_id === bucket.id);
      const avail = f ? f.available_minor : carry + allocated(m) - (await spentIn(m));
      carry = bucket.rollover === "carry_positive" ? Math.max(0, avail) : avail;
    }
  const alloc = allocated(month);
  const s = await spentIn(month);
  return {
    bucket_id: bucket.id,
    name: bucket.name,
    type: bucket.type,
    priority: bucket.priority,
    rollover: bucket.rollover,
    allocated_minor: alloc,
    carryover_minor: carry,
    spent_minor: s,
    available_minor: carry + alloc - s,
  };
}

/**
 * Income, expense and net of a month's ledger in the budget currency (reversals included), from the
 * month's stored totals. Entries in other currencies are not converted; they are named.
 */
export async function ledgerTotals(ctx: BudgetContext, month: string, totals = totalsReader(ctx)) {
  const t = await totals(month);
  const c = inBudgetCurrency(ctx, t);
  const cur = configOf(ctx).currency;
  return {
    income_minor: c.income_minor,
    expense_minor: c.expense_minor,
    net_minor: c.income_minor - c.expense_minor,
    entries: c.entries,
    reversals: c.reversals,
    other_currencies: Object.keys(t.by_currency)
      .filter((k) => k !== cur)
      .sort(),
  };
}

/**
 * Whether the month's essentials are funded: the month's recorded income must cover what the
 * active essentials buckets have allocated.
 */
export async function essentialsStatus(
  ctx: BudgetContext,
  month: string,
  closed?: Map<string, FrozenMonth>,
  totals: TotalsReader = totalsReader(ctx),
) {
  const c = closed ?? (await closedMonths(ctx));
  let required = 0;
  for await (const b of ctx.storage.buckets.iterate({ where: { type: "essentials" } }))
    if (b.status === "active") required += (await bucketMonth(ctx, b, month, c, totals)).allocated_minor;
  const funded = (await ledgerTotals(ctx, month, totals)).income_minor;
  return {
    required_minor: required,
    funded_minor: funded,
    unfunded_minor: Math.max(0, required - funded),
    funded: funded >= required,
  };
}

/** The month's bills estimate in the budget currency, from the bills pack when it is installed. */
export async function billsEstimate(ctx: BudgetContext, month: string) {
  const bills = ctx.deps.bills;
  if (!bills) return { source: "none" as const, expected_minor: 0, min_minor: 0, max_minor: 0, count: 0 };
  const est = await bills.monthlyEstimate(month);
  const t = est.by_currency[configOf(ctx).currency];
  const other = Object.keys(est.by_currency).filter((c) => c !== configOf(ctx).currency);
  return {
    source: "bills" as const,
    expected_minor: t?.expected_minor ?? 0,
    min_minor: t?.min_minor ?? 0,
    max_minor: t?.max_minor ?? 0,
    count: t?.count ?? 0,
    // Bills in other currencies are not converted; they are named so they are not silently lost.
    other_currencies: other,
  };
}

/** The monthly snapshot (live, or frozen once the month is closed). */
export type Snapshot = Awaited<ReturnType<typeof liveSnapshot>>;

/** The ledger-derived part of a month's snapshot: per-bucket figures, totals, ledger, essentials. */
async function ledgerPart(
  ctx: BudgetContext,
  month: string,
  closed: Map<string, FrozenMonth>,
  read: TotalsReader,
) {
  const buckets: BucketMonth[] = [];
  for await (const b of ctx.storage.buckets.iterate({ where: { status: "active" }, order: "asc" }))
    buckets.push(await bucketMonth(ctx, b, month, closed, read));
  const totals = buckets.reduce(
    (t, b) => ({
      allocated_minor: t.allocated_minor + b.allocated_minor,
      spent_minor: t.spent_minor + b.spent_minor,
      available_minor: t.available_minor + b.available_minor,
    }),
    { allocated_minor: 0, spent_minor: 0, available_minor: 0 },
  );
  return {
    buckets,
    totals,
    ledger: await ledgerTotals(ctx, month, read),
    essentials: await essentialsStatus(ctx, month, closed, read),
  };
}

/** Targets, bills estimate, ledger totals, per-bucket figures and the cash plan gap of a month. */
export async function liveSnapshot(
  ctx: BudgetContext,
  month: string,
  closed: Map<string, FrozenMonth>,
  totals: TotalsReader = totalsReader(ctx),
) {
  return assemble(ctx, month, await ledgerPart(ctx, month, closed, totals));
}

/** Add the house targets, the bills estimate and the cash plan to the ledger-derived part. */
async function assemble(ctx: BudgetContext, month: string, part: Awaited<ReturnType<typeof ledgerPart>>) {
  const house = await houseOf(ctx);
  const income_target = house.income_streams.reduce((s, i) => s + i.monthly_minor, 0);
  const { buckets, totals, ledger, essentials } = part;
  const bills = await billsEstimate(ctx, month);
  // A bill linked to a bucket is planned in that bucket's allocation: count it once.
  const covered = Math.min(bills.expected_minor, await coveredByBuckets(ctx, month));
  const unbudgetedBills = bills.expected_minor - covered;
  const planned = unbudgetedBills + totals.allocated_minor;
  return {
    month,
    currency: configOf(ctx).currency,
    status: "open" as "open" | "closed",
    as_of: ctx.now().toISOString(),
    targets: {
      income_target_minor: income_target,
      buffer_target_minor: house.buffer_target_minor,
      income_streams: house.income_streams,
    },
    bills,
    ledger,
    buckets,
    totals,
    essentials,
    cash_plan: {
      income_target_minor: income_target,
      /** Bills not covered by a bucket (the estimate less `bills_in_buckets_minor`). */
      bills_minor: unbudgetedBills,
      /** Bills linked to a bucket: already in `allocated_minor`, so not counted twice. */
      bills_in_buckets_minor: covered,
      allocated_minor: totals.allocated_minor,
      planned_outflow_minor: planned,
      /** Income target − (uncovered bills + allocations); negative means the plan is short. */
      gap_minor: income_target - planned,
    },
  };
}

/**
 * The snapshot of `month`: frozen if closed, else computed from the stored month totals (never a
 * walk of the ledger). The ledger-derived part is also cached per write generation and month;
 * house targets and the bills estimate (cached by the bills pack) are read on every call.
 */
export async function snapshotOf(ctx: BudgetContext, month?: string): Promise<Snapshot> {
  const m = month ?? thisMonth(ctx);
  const closing = await ctx.storage.closings.get(`close_${m}`);
  if (closing) return closing.snapshot as unknown as Snapshot;
  const part = await cachedSummary(
    ctx,
    `snapshot:${m}`,
    (p) => p.buckets.length,
    async () => ledgerPart(ctx, m, await closedMonths(ctx), totalsReader(ctx)),
  );
  return assemble(ctx, m, part);
}

/** income target − bills − buffer ≥ 0, with the shortfall when it is not. */
export async function bufferCheck(ctx: BudgetContext, month: string, bufferMin?: number) {
  const house = await houseOf(ctx);
  const income = house.income_streams.reduce((s, i) => s + i.monthly_minor, 0);
  const bills = await billsEstimate(ctx, month);
  const buffer = bufferMin ?? house.buffer_target_minor;
  const projected = income - bills.expected_minor - buffer;
  return {
    month,
    currency: configOf(ctx).currency,
    ok: projected >= 0,
    income_target_minor: income,
    bills_minor: bills.expected_minor,
    bills_source: bills.source,
    buffer_min_minor: buffer,
    projected_minor: projected,
    shortfall_minor: Math.max(0, -projected),
    alert:
      projected < 0
        ? `Projected ${month} is short by ${moneyText({ amount_minor: -projected, currency: configOf(ctx).currency })} after bills and buffer`
        : null,
  };
}
