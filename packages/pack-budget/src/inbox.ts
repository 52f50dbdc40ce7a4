import { ProblemError } from "@valhalla/runtime";
import { EMPTY_CURRENCY, forgetTotals, totalsId, verifiedTotals } from "./month-totals.js";
import { refuseClosed, withMonth } from "./posting.js";
import type { MonthTotals, Transaction } from "./schemas.js";
import { fieldProblem, requireBucket, requireCategory } from "./service.js";
import type { BudgetContext } from "./storage.js";

/** What a person gives an inbox entry. */
export interface Categorisation {
  readonly bucket_id?: string | null | undefined;
  readonly category?: string | null | undefined;
}

/** `totals` with an expense's spending moved from one bucket to another (pure). */
function moveSpending(totals: MonthTotals, e: Transaction, to: string | null): MonthTotals {
  if (e.kind !== "expense" || e.bucket_id === to) return totals;
  const cur = totals.by_currency[e.currency] ?? EMPTY_CURRENCY;
  const spent = { ...cur.spent_by_bucket };
  if (e.bucket_id !== null) spent[e.bucket_id] = (spent[e.bucket_id] ?? 0) - e.amount_minor;
  if (to !== null) spent[to] = (spent[to] ?? 0) + e.amount_minor;
  return {
    ...totals,
    by_currency: { ...totals.by_currency, [e.currency]: { ...cur, spent_by_bucket: spent } },
  };
}

/**
 * Give an imported entry from the inbox its bucket (required for an expense) and category. What a
 * person sets here is theirs: re-running the rules will not change it. The month's totals move the
 * spending to the bucket without a ledger walk; they are dropped while the entry changes, so a crash
 * in between leaves them to be rebuilt rather than wrong.
 */
export async function categoriseEntry(ctx: BudgetContext, id: string, input: Categorisation) {
  const orig = await ctx.storage.transactions.require(id);
  if (!orig.inbox) throw new ProblemError(409, "not-in-inbox", `'${id}' is not in the inbox`);
  const bucketId = input.bucket_id ?? orig.bucket_id;
  const category = input.category ?? orig.category;
  if (orig.kind === "expense" && bucketId === null)
    throw fieldProblem(400, "validation-failed", "bucket_id", "is required for an expense");
  if (input.bucket_id) {
    const b = await requireBucket(ctx, "bucket_id", input.bucket_id);
    if (b.status !== "active")
      throw fieldProblem(409, "bucket-archived", "bucket_id", `bucket '${b.id}' is archived`);
    if (orig.month < b.start_month)
      throw fieldProblem(
        422,
        "before-bucket-start",
        "bucket_id",
        `starts after ${orig.month} (${b.start_month})`,
      );
  }
  await requireCategory(ctx, "category", input.category);
  return withMonth(ctx, orig.month, async () => {
    await refuseClosed(ctx, orig.month, "id");
    const e = await ctx.storage.transactions.require(id);
    if (!e.inbox) throw new ProblemError(409, "not-in-inbox", `'${id}' is not in the inbox`);
    const prior = await verifiedTotals(ctx, e.month);
    const mine = new Set<string>([
      ...(input.bucket_id ? ["bucket_id"] : []),
      ...(input.category ? ["category"] : []),
    ]);
    const change = {
      bucket_id: bucketId,
      category,
      inbox: false,
      auto_fields: e.auto_fields.filter((f) => !mine.has(f)),
    };
    if (!prior || e.kind !== "expense" || e.bucket_id === bucketId)
      return ctx.storage.transactions.update(id, change);
    const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...figures } = prior;
    await forgetTotals(ctx, e.month);
    const saved = await ctx.storage.transactions.update(id, change);
    await ctx.storage.totals.create(moveSpending(figures, e, bucketId), { id: totalsId(e.month) });
    return saved;
  });
}
