import type { Stored } from "@valhalla/runtime";
import type { BillLink } from "./schemas.js";
import { configOf } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { cachedSummary } from "./summary-cache.js";

/** Every link, by bill id. @internal */
export async function allLinks(ctx: BudgetContext): Promise<Stored<BillLink>[]> {
  const out: Stored<BillLink>[] = [];
  for await (const l of ctx.storage.bill_links.iterate({ order: "asc" })) out.push(l);
  return out;
}

/**
 * What the linked bills add to a month's bills estimate, in the budget currency: the part of the
 * estimate the buckets' allocations already plan for.
 */
export async function coveredByBuckets(ctx: BudgetContext, month: string): Promise<number> {
  const bills = ctx.deps.bills;
  if (!bills) return 0;
  // Links change only through budget writes, so the list is cached with the snapshot's generation.
  const ids = await cachedSummary(
    ctx,
    "bill-links",
    (l) => l.length + 1,
    async () => (await allLinks(ctx)).map((l) => l.bill_id),
  );
  if (ids.length === 0) return 0;
  const est = await bills.estimateOf(month, ids);
  return est.by_currency[configOf(ctx).currency]?.expected_minor ?? 0;
}
