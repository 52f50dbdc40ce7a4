import { afterWrite as afterWriteGen, cachedByGeneration } from "@valhalla/runtime";
import type { BudgetContext } from "./storage.js";

// Month snapshots read every ledger entry of the month; they are cached per process
// by the runtime's generation cache, invalidated by every budget write (see `afterWrite`).

/** Run a budget write, then bump the budget write generation. */
export function afterWrite<T>(ctx: BudgetContext, write: () => Promise<T>): Promise<T> {
  return afterWriteGen(ctx.storage.meta, write);
}

/** The cached value for `key` at the current budget write generation, or `compute()` stored under it. */
export function cachedSummary<T>(
  ctx: BudgetContext,
  key: string,
  weight: (value: T) => number,
  compute: () => Promise<T>,
): Promise<T> {
  return cachedByGeneration(ctx.storage.meta, ctx.now(), key, weight, compute);
}
