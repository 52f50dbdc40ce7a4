import { setImmediate } from "node:timers/promises";
import { dropAccountTotals, foldIntoAccounts } from "./account-totals.js";
import { emptyTotals, foldEntry, forgetTotals, totalsId, verifiedTotals } from "./month-totals.js";
import type { Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

/** Entries per storage batch: one commit each on drivers with batches (memory, SQLite, Postgres). */
const CHUNK = 500;

/** One entry to write, with the id it will get. */
export interface PendingEntry {
  readonly id: string;
  readonly entry: Transaction;
}

/**
 * Write entries of one month that touch accounts, with the month's and the accounts' totals: the
 * totals first (each naming the last entry it includes), then the entries in order, in batches of
 * 500 (one commit each where the driver has batches), so a record whose named entry exists includes
 * only entries that exist. A crash half-way leaves totals naming a
 * missing entry, which the next read rebuilds from the ledger. Call holding the month's lock and the
 * accounts' locks.
 * @internal
 */
export async function recordBatch(ctx: BudgetContext, month: string, batch: readonly PendingEntry[]) {
  const last = batch[batch.length - 1];
  if (!last) return [];
  const prior = await verifiedTotals(ctx, month);
  let next = prior ?? emptyTotals(month);
  for (const p of batch) next = foldEntry(next, p.entry);
  const accounts = await foldIntoAccounts(ctx, batch);
  try {
    const data = { ...next, last_entry_id: last.id };
    if (prior) await ctx.storage.totals.update(prior.id, data, { ifRev: prior.rev });
    else await ctx.storage.totals.create(data, { id: totalsId(month) });
    const out = [];
    for (let i = 0; i < batch.length; i += CHUNK) {
      // Drivers may answer without yielding (memory, SQLite): let timers (lease renewal, request
      // timeout) and other requests run during a long batch.
      await setImmediate();
      const chunk = batch.slice(i, i + CHUNK).map((p) => ({ data: p.entry, id: p.id }));
      out.push(...(await ctx.storage.transactions.createMany(chunk)));
    }
    return out;
  } catch (err) {
    // Storage failed part-way: drop the totals so the next read rebuilds them from what landed.
    await forgetTotals(ctx, month).catch(() => {});
    await dropAccountTotals(ctx, accounts);
    throw err;
  }
}
