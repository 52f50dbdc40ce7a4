import type { BudgetContext } from "./storage.js";

// The lease is renewed while `fn` runs (a long rebuild included), so the TTL only bounds how long
// a crashed holder blocks the month.
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 60_000;

/**
 * Run `fn` holding `month`'s lock, the one every write into the month (and every repair of its
 * totals) takes. Not re-entrant: never call it again for the same month inside `fn`.
 * @internal
 */
export function lockMonth<T>(ctx: BudgetContext, month: string, fn: () => Promise<T>): Promise<T> {
  return ctx.locks.withLock(`month:${month}`, LOCK_TTL_MS, () => fn(), { waitMs: LOCK_WAIT_MS });
}
