import { ConflictError, type Stored } from "@valhalla/runtime";
import { lockMonth } from "./month-lock.js";
import type { CurrencyTotals, MonthTotals, Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

// Snapshot figures come from one totals record per month rather than a scan of its ledger, so they
// cost the same at 10 entries and at 100,000. The collections have no multi-record transaction, so
// the record is written first, naming the entry it now includes (`last_entry_id`), and the entry
// second, both under the month's lock. A reader that cannot find the named entry knows that write
// is in flight or died half-way; it waits for the lock and, if the entry is still missing,
// recomputes the month from the ledger. A missing record (a store from before the totals, or one a
// failed write dropped) is recomputed the same way, so the figures never drift from the ledger.

/** Id of a month's totals record. @public */
export const totalsId = (month: string): string => `tot_${month}`;

/** The totals of a month without entries. @public */
export function emptyTotals(month: string): MonthTotals {
  return { month, entries: 0, last_entry_id: null, by_currency: {}, rebuilt_at: null };
}

/** One currency's totals of a month without entries in it. @internal */
export const EMPTY_CURRENCY: CurrencyTotals = Object.freeze({
  income_minor: 0,
  expense_minor: 0,
  entries: 0,
  reversals: 0,
  spent_by_bucket: Object.freeze({}),
});

/** What of a ledger entry the totals fold in. @public */
export type FoldableEntry = Pick<
  Transaction,
  "kind" | "amount_minor" | "currency" | "bucket_id" | "reverses"
>;

/**
 * `totals` with one more ledger entry folded in (pure; reversals carry a negative amount). For
 * loaders that write ledger entries without the pack, so they can write the totals posting would.
 * Transfer legs leave the totals unchanged.
 * @param totals - the month's totals so far
 * @param entry - an entry of the same month
 * @example foldEntry(emptyTotals("2026-01"), { kind: "expense", amount_minor: 1250, currency: "USD", bucket_id: "bk_1", reverses: null })
 * @public
 */
export function foldEntry(totals: MonthTotals, entry: FoldableEntry): MonthTotals {
  // Transfer legs move money between the household's own accounts: neither income nor expense.
  if (entry.kind !== "income" && entry.kind !== "expense") return totals;
  const cur = totals.by_currency[entry.currency] ?? EMPTY_CURRENCY;
  const spent = { ...cur.spent_by_bucket };
  if (entry.kind === "expense" && entry.bucket_id !== null)
    spent[entry.bucket_id] = (spent[entry.bucket_id] ?? 0) + entry.amount_minor;
  return {
    ...totals,
    entries: totals.entries + 1,
    by_currency: {
      ...totals.by_currency,
      [entry.currency]: {
        income_minor: cur.income_minor + (entry.kind === "income" ? entry.amount_minor : 0),
        expense_minor: cur.expense_minor + (entry.kind === "expense" ? entry.amount_minor : 0),
        entries: cur.entries + 1,
        reversals: cur.reversals + (entry.reverses === null ? 0 : 1),
        spent_by_bucket: spent,
      },
    },
  };
}

async function landed(ctx: BudgetContext, totals: MonthTotals): Promise<boolean> {
  return totals.last_entry_id === null || (await ctx.storage.transactions.get(totals.last_entry_id)) !== null;
}

async function hasEntries(ctx: BudgetContext, month: string): Promise<boolean> {
  return (await ctx.storage.transactions.list({ where: { month }, limit: 1 })).items.length > 0;
}

/**
 * Recompute a month's totals from every entry of its ledger and store them. Call only while
 * holding the month's lock.
 * @internal
 */
export async function rebuildTotals(
  ctx: BudgetContext,
  month: string,
): Promise<{ before: Stored<MonthTotals> | null; after: Stored<MonthTotals> }> {
  let totals = emptyTotals(month);
  for await (const e of ctx.storage.transactions.iterate({ where: { month }, order: "asc" }))
    totals = foldEntry(totals, e);
  const data = { ...totals, rebuilt_at: ctx.now().toISOString() };
  const before = await ctx.storage.totals.get(totalsId(month));
  const after = before
    ? await ctx.storage.totals.update(before.id, data)
    : await ctx.storage.totals.create(data, { id: totalsId(month) });
  ctx.log.info("budget month totals rebuilt from the ledger", { month, entries: after.entries });
  return { before, after };
}

/**
 * The month's stored totals, first rebuilt from the ledger when missing or unconfirmed; `null` for a
 * month with neither totals nor entries. Call only while holding the month's lock.
 * @internal
 */
export async function verifiedTotals(ctx: BudgetContext, month: string): Promise<Stored<MonthTotals> | null> {
  const cur = await ctx.storage.totals.get(totalsId(month));
  if (cur ? await landed(ctx, cur) : !(await hasEntries(ctx, month))) return cur;
  return (await rebuildTotals(ctx, month)).after;
}

/**
 * A month's ledger totals for reading: one record read (and one to confirm its last entry). A
 * repair takes the month's lock, so call `verifiedTotals` instead while holding it.
 * @internal
 */
export async function monthTotals(ctx: BudgetContext, month: string): Promise<MonthTotals> {
  const cur = await ctx.storage.totals.get(totalsId(month));
  if (cur && (await landed(ctx, cur))) return cur;
  if (!cur && !(await hasEntries(ctx, month))) return emptyTotals(month);
  // Usually a posting in flight: once we hold the lock it has finished and nothing is rebuilt.
  return (await lockMonth(ctx, month, () => verifiedTotals(ctx, month))) ?? emptyTotals(month);
}

/** Drop a month's totals before edits that move figures between buckets, so a crash mid-way leaves them to be rebuilt. @internal */
export async function forgetTotals(ctx: BudgetContext, month: string): Promise<void> {
  await ctx.storage.totals.delete(totalsId(month));
}

/**
 * Write a ledger entry together with the month's totals: the totals first (naming the entry), then
 * the entry. Call only while holding the month's lock, with `prior` from `verifiedTotals`.
 * @internal
 */
export async function recordEntry(
  ctx: BudgetContext,
  prior: Stored<MonthTotals> | null,
  entry: Transaction,
  id: string,
): Promise<Stored<Transaction>> {
  const next = { ...foldEntry(prior ?? emptyTotals(entry.month), entry), last_entry_id: id };
  const folded = prior
    ? await ctx.storage.totals.update(prior.id, next, { ifRev: prior.rev })
    : await ctx.storage.totals.create(next, { id: totalsId(entry.month) });
  try {
    return await ctx.storage.transactions.create(entry, { id });
  } catch (err) {
    await undoFold(ctx, prior, folded, id, err);
    throw err;
  }
}

async function undoFold(
  ctx: BudgetContext,
  prior: Stored<MonthTotals> | null,
  folded: Stored<MonthTotals>,
  id: string,
  err: unknown,
) {
  try {
    // A write that failed in transit may still have committed; then the fold is right as it is.
    // A conflict means the id was taken by a record that is not ours, so ours did not land.
    if (!(err instanceof ConflictError) && (await ctx.storage.transactions.get(id))) return;
    if (!prior) {
      await ctx.storage.totals.delete(folded.id, { ifRev: folded.rev });
      return;
    }
    const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = prior;
    await ctx.storage.totals.update(folded.id, data, { ifRev: folded.rev });
  } catch {
    // Storage is failing: drop the record so the next read rebuilds it (a missing last entry
    // would make it rebuild anyway).
    await ctx.storage.totals.delete(folded.id).catch(() => {});
  }
}
