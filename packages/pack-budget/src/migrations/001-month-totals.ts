import type { MigrationDef } from "@valhalla/runtime";
import { lockMonth } from "../month-lock.js";
import { rebuildTotals } from "../month-totals.js";
import type { BudgetContext } from "../storage.js";

/**
 * Backfill the month totals of stores written before they existed: one pass over the ledger to
 * find its months, then each month recomputed from its entries under its lock (so a posting by a
 * replica already started cannot slip between the scan and the write).
 * @internal
 */
export const monthTotalsMigration: MigrationDef<BudgetContext> = {
  version: 1,
  name: "month-totals",
  async up(ctx) {
    const months = new Set<string>();
    for await (const t of ctx.storage.transactions.iterate({ order: "asc" })) months.add(t.month);
    for (const m of months) await lockMonth(ctx, m, () => rebuildTotals(ctx, m));
  },
};
