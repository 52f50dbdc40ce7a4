import { rebuildTotals } from "./month-totals.js";
import { refuseClosed, withMonth } from "./posting.js";
import type { MonthTotals } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

/** Figures of two totals records, compared regardless of key order. */
function sameFigures(a: MonthTotals | null, b: MonthTotals): boolean {
  const canon = (x: unknown): unknown =>
    x && typeof x === "object"
      ? Object.fromEntries(
          Object.entries(x)
            .sort(([p], [q]) => (p < q ? -1 : 1))
            .map(([k, val]) => [k, canon(val)]),
        )
      : x;
  return (
    a !== null &&
    a.entries === b.entries &&
    JSON.stringify(canon(a.by_currency)) === JSON.stringify(canon(b.by_currency))
  );
}

/**
 * Recompute an open month's stored totals from its ledger, reporting whether the stored figures
 * differed (or were missing). Costs one read of the month's ledger.
 */
export async function repairTotals(ctx: BudgetContext, month: string) {
  return withMonth(ctx, month, async () => {
    await refuseClosed(ctx, month, "month");
    const { before, after } = await rebuildTotals(ctx, month);
    return {
      month,
      entries: after.entries,
      changed: !sameFigures(before, after),
      by_currency: after.by_currency,
      rebuilt_at: after.rebuilt_at,
    };
  });
}
