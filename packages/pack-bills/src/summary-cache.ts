import { afterWrite as afterWriteGen, cachedByGeneration } from "@valhalla/runtime";
import type { BillsContext } from "./storage.js";

// `upcoming` reads only the bills due in its window (see due-index.ts); on top of that its answer
// is cached per process by the runtime's generation cache, invalidated by every bills write.

/** Run a bills write, then bump the bills write generation. */
export function afterWrite<T>(ctx: BillsContext, write: () => Promise<T>): Promise<T> {
  return afterWriteGen(ctx.storage.meta, write);
}

/** The cached value for `key` at the current bills write generation, or `compute()` stored under it. */
export function cachedSummary<T>(
  ctx: BillsContext,
  key: string,
  weight: (value: T) => number,
  compute: () => Promise<T>,
): Promise<T> {
  return cachedByGeneration(ctx.storage.meta, ctx.now(), key, weight, compute);
}
