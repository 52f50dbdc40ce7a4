import type { MigrationDef } from "@valhalla/runtime";
import { configOf } from "../config-of.js";
import { markRolled, withDueIndex } from "../due-index.js";
import { todayOf } from "../service.js";
import type { BillsContext } from "../storage.js";

/**
 * Before 1.2 any payment settled its whole occurrence. Give every bill the sums its payments hold
 * per occurrence (`paid_by_occurrence`), from which `paid` is re-derived: an occurrence paid only
 * in part becomes open again. Also sets the `overdue` flag, then marks the index rolled through today
 * with the current config.
 */
export const occurrencePayments: MigrationDef<BillsContext> = {
  version: 2,
  name: "occurrence-payments",
  up: async (ctx) => {
    const today = todayOf(ctx);
    const settings = configOf(ctx);
    // One pass over the ledger instead of one payments query per bill.
    const sums = new Map<string, Record<string, number>>();
    for await (const p of ctx.storage.payments.iterate({ order: "asc" })) {
      const bill = sums.get(p.bill_id) ?? {};
      bill[p.occurrence] = (bill[p.occurrence] ?? 0) + p.amount_minor;
      sums.set(p.bill_id, bill);
    }
    for await (const b of ctx.storage.bills.iterate({ order: "asc" })) {
      const paid = Object.fromEntries(
        Object.entries(sums.get(b.id) ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)),
      );
      // Records already written by 1.2 code (seeds through `withDueIndex`) are left as they are.
      const next = withDueIndex({ ...b, paid_by_occurrence: paid }, today, settings);
      if (JSON.stringify(next) === JSON.stringify(b)) continue;
      await ctx.storage.bills.update(b.id, (cur) =>
        withDueIndex({ ...cur, paid_by_occurrence: paid }, today, settings),
      );
    }
    await markRolled(ctx, today);
  },
};
