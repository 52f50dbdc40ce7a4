import { refuseOutsideOpenRange } from "../account-guards.js";
import { lockAccounts } from "../account-totals.js";
import { refuseClosed, withMonth } from "../posting.js";
import { recordBatch } from "../record-batch.js";
import type { BudgetContext } from "../storage.js";
import type { ImportPlan, MatchedLine, PlannedEntry } from "./plan-import.js";

/**
 * Give the hand-entered entries that bank lines confirm their dedupe keys (they become cleared; no
 * figure changes). An entry voided or confirmed since planning is left alone; its line is then
 * neither booked nor known, so the next import of the file books it.
 */
async function confirmMatches(ctx: BudgetContext, accountId: string, matches: readonly MatchedLine[]) {
  if (matches.length === 0) return;
  await lockAccounts(ctx, [accountId], async () => {
    for (const m of matches) {
      const e = await ctx.storage.transactions.get(m.entry_id);
      if (!e || e.bank_ref || (await ctx.storage.transactions.get(`${e.id}_void`))) continue;
      await ctx.storage.transactions.update(e.id, { bank_ref: m.ref }, { ifRev: e.rev });
    }
  });
}

/**
 * Write planned entries month by month, each month under its lock and the account's (a close or a
 * reconciliation lock that came in since planning still refuses). The caller holds the account's
 * import lock from planning to here, so two imports of overlapping files cannot both write a line.
 * Not one transaction: a crash between months leaves the earlier months written, and re-sending
 * the file writes only the rest (the dedupe keys find what landed).
 * @returns how many entries were written
 * @internal
 */
export async function writePlanned(ctx: BudgetContext, accountId: string, plan: ImportPlan): Promise<number> {
  const fresh = plan.fresh;
  await confirmMatches(ctx, accountId, plan.matches);
  const byMonth = new Map<string, PlannedEntry[]>();
  for (const p of fresh) {
    const list = byMonth.get(p.entry.month);
    if (list) list.push(p);
    else byMonth.set(p.entry.month, [p]);
  }
  let created = 0;
  for (const month of [...byMonth.keys()].sort()) {
    await withMonth(ctx, month, () =>
      lockAccounts(ctx, [accountId], async () => {
        const account = await ctx.storage.accounts.require(accountId);
        await refuseClosed(ctx, month, "content");
        const todo = byMonth.get(month) ?? [];
        for (const p of todo) refuseOutsideOpenRange(account, p.entry.date, "content", p.line);
        await recordBatch(ctx, month, todo);
        created += todo.length;
      }),
    );
  }
  return created;
}
