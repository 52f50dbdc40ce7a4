import type { Stored } from "@valhalla/runtime";
import type { Bucket } from "./schemas.js";
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

/**
 * Allocated, carried over, spent and available for a bucket in `month`:
 * available = carryover + allocated − spent, where spent sums the bucket's expense entries
 * (reversals included) and allocated is the month's allocation, else the bucket's monthly limit.
 * Closed months contribute their frozen figures to the carry-over chain.
 */
export async function bucketMonth(
  ctx: BudgetContext,
  bucket: Stored<Bucket>,
  month: string,
  closed: Map<string, FrozenMonth>,
): Promise<BucketMonth> {
  const frozen = closed.get(month)?.buckets.find((b) => b.bucket_id === bucket.id);
  if (frozen) return frozen;
  const allocs = new Map<string, number>();
  for await (const a of ctx.storage.allocations.iterate({ where: { bucket_id: bucket.id } }))
    allocs.set(a.month, a.amount_minor);
  const spent = new Map<string, number>();
  for await (const t of ctx.storage.transactions.iterate({ where: { bucket_id: bucket.id } }))
    if (t.kind === "expense" && t.month <= month)
      spent.set(t.month, (spent.get(t.month) ?? 0) + t.amount_minor);
  const allocated = (m: string) =>
    m < bucket.start_month ? 0 : (allocs.get(m) ?? bucket.monthly_limit_minor);
  let carry = 0;
  for (let m = bucket.start_month; m < month; m = nextMonth(m)) {
    const f = closed.get(m)?.buckets.find((b) => b.bucket_id === bucket.id);
    const avail = f ? f.available_minor : carry + allocated(m) - (spent.get(m) ?? 0);
    carry =
      bucket.rollover === "none" ? 0 : bucket.rollover === "carry_positive" ? Math.max(0, avail) : avail;
  }
  const alloc = allocated(month);
  const s = spent.get(month) ?? 0;
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

/** Income, expense and net of a month's ledger (reversals included). */
export async function ledgerTotals(ctx: BudgetContext, month: string) {
  let income = 0;
  let expense = 0;
  let entries = 0;
  let reversals = 0;
  for await (const t of ctx.storage.transactions.iterate({ where: { month } })) {
    entries++;
    if (t.reverses) reversals++;
    if (t.kind === "income") income += t.amount_minor;
    else expense += t.amount_minor;
  }
  return { income_minor: income, expense_minor: expense, net_minor: income - expense, entries, reversals };
}

/**
 * Whether the month's essentials are funded: the month's recorded income must cover what the
 * active essentials buckets have allocated.
 */
export async function essentialsStatus(ctx: BudgetContext, month: string, closed?: Map<string, FrozenMonth>) {
  const c = closed ?? (await closedMonths(ctx));
  let required = 0;
  for await (const b of ctx.storage.buckets.iterate({ where: { type: "essentials" } }))
    if (b.status === "active") required += (await bucketMonth(ctx, b, month, c)).allocated_minor;
  const funded = (await ledgerTotals(ctx, month)).income_minor;
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
async function ledgerPart(ctx: BudgetContext, month: string, closed: Map<string, FrozenMonth>) {
  const buckets: BucketMonth[] = [];
  for await (const b of ctx.storage.buckets.iterate({ where: { status: "active" }, order: "asc" }))
    buckets.push(await bucketMonth(ctx, b, month, closed));
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
    ledger: await ledgerTotals(ctx, month),
    essentials: await essentialsStatus(ctx, month, closed),
  };
}

/** Targets, bills estimate, ledger totals, per-bucket figures and the cash plan gap of a month. */
export async function liveSnapshot(ctx: BudgetContext, month: string, closed: Map<string, FrozenMonth>) {
  return assemble(ctx, month, await ledgerPart(ctx, month, closed));
}

/** Add the house targets, the bills estimate and the cash plan to the ledger-derived part. */
async function assemble(ctx: BudgetContext, month: string, part: Awaited<ReturnType<typeof ledgerPart>>) {
  const house = await houseOf(ctx);
  const income_target = house.income_streams.reduce((s, i) => s + i.monthly_minor, 0);
  const { buckets, totals, ledger, essentials } = part;
  const bills = await billsEstimate(ctx, month);
  const planned = bills.expected_minor + totals.allocated_minor;
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
      bills_minor: bills.expected_minor,
      allocated_minor: totals.allocated_minor,
      planned_outflow_minor: planned,
      /** Income target − (bills + allocations); negative means the plan is short. */
      gap_minor: income_target - planned,
    },
  };
}

/**
 * The snapshot of `month`: frozen if closed, else computed. The ledger-derived part is cached per
 * write generation and month, so repeated reads do not walk the month's ledger; house targets
 * and the bills estimate (cached by the bills pack) are read on every call.
 */
export async function snapshotOf(ctx: BudgetContext, month?: string): Promise<Snapshot> {
  const m = month ?? thisMonth(ctx);
  const closing = await ctx.storage.closings.get(`close_${m}`);
  if (closing) return closing.snapshot as unknown as Snapshot;
  const part = await cachedSummary(
    ctx,
    `snapshot:${m}`,
    (p) => p.buckets.length,
    async () => ledgerPart(ctx, m, await closedMonths(ctx)),
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
        ? `Projected ${month} is short by ${-projected} minor units after bills and buffer`
        : null,
  };
}
