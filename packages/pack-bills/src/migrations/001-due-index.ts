import type { MigrationDef } from "@valhalla/runtime";
import { markRolled, withDueIndex } from "../due-index.js";
import { todayOf } from "../service.js";
import type { BillsContext } from "../storage.js";

/**
 * Give bills written before 1.1 their `paid` list (from the payments ledger) and their
 * `next_open_due` key, then mark the due-date index rolled through today.
 */
export const dueIndex: MigrationDef<BillsContext> = {
  version: 1,
  name: "due-index",
  up: async (ctx) => {
    const today = todayOf(ctx);
    for await (const b of ctx.storage.bills.iterate({ order: "asc" })) {
      const paid = new Set<string>();
      for await (const p of ctx.storage.payments.iterate({ where: { bill_id: b.id } }))
        paid.add(p.occurrence);
      await ctx.storage.bills.update(b.id, (cur) => withDueIndex({ ...cur, paid: [...paid].sort() }, today));
    }
    await markRolled(ctx, today);
  },
};
