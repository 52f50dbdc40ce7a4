import { forgetTotals, rebuildTotals } from "./month-totals.js";
import { activeRules, refuseClosed, withMonth } from "./posting.js";
import { applyRules } from "./rules.js";
import type { BudgetContext } from "./storage.js";

/**
 * Re-run the rules over a month's entries. Only fields a rule set (or left empty) change; what a
 * person chose stays. Closed months and reversals are left alone.
 */
export async function rerunRules(ctx: BudgetContext, month: string) {
  return withMonth(ctx, month, async () => {
    await refuseClosed(ctx, month, "month");
    const rules = await activeRules(ctx);
    const buckets = new Set<string>();
    for await (const b of ctx.storage.buckets.iterate({ where: { status: "active" } })) buckets.add(b.id);
    let changed = 0;
    let examined = 0;
    let forgotten = false;
    for await (const t of ctx.storage.transactions.iterate({ where: { month }, order: "asc" })) {
      if (t.reverses !== null || (t.kind !== "income" && t.kind !== "expense")) continue;
      if (await ctx.storage.transactions.get(`${t.id}_void`)) continue;
      examined++;
      const r = applyRules(rules, {
        kind: t.kind,
        payee: t.payee,
        memo: t.memo,
        amount_minor: t.amount_minor,
      });
      const next = { ...t };
      const auto = new Set(t.auto_fields);
      if (
        (t.bucket_id === null || auto.has("bucket_id")) &&
        r.bucket_id !== undefined &&
        buckets.has(r.bucket_id)
      ) {
        next.bucket_id = r.bucket_id;
        auto.add("bucket_id");
      }
      if ((t.category === null || auto.has("category")) && r.category !== undefined) {
        next.category = r.category;
        auto.add("category");
      }
      if (next.bucket_id === t.bucket_id && next.category === t.category) continue;
      // An imported entry leaves the inbox once a rule gives it what a person would have.
      if (t.inbox && (t.kind === "expense" ? next.bucket_id !== null : next.category !== null))
        next.inbox = false;
      // Moving spending between buckets invalidates the totals; without them, a crash mid-way
      // leaves a month that rebuilds on its next read instead of one with wrong figures.
      if (!forgotten) {
        await forgetTotals(ctx, month);
        forgotten = true;
      }
      await ctx.storage.transactions.update(t.id, { ...next, auto_fields: [...auto], rule_ids: r.rule_ids });
      changed++;
    }
    if (forgotten) await rebuildTotals(ctx, month);
    return { month, examined, changed };
  });
}
