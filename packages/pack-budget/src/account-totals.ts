import type { Stored } from "@valhalla/runtime";
import type { AccountTotals } from "./account-schemas.js";
import type { Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

// An account's balance is its opening balance plus the effect of every entry booked to it. Like the
// month totals, the sum is kept in one record per account, written under the account's lock just
// before the entries it now includes and naming the last of them (`last_entry_id`). A reader that
// cannot find the named entry recomputes the sum from the account's ledger, so it never drifts.

const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 60_000;

/** Id of an account's totals record. @internal */
export const accountTotalsId = (accountId: string): string => `acbal_${accountId}`;

/**
 * What an entry does to its account's balance: income and incoming transfers add, expenses and
 * outgoing transfers subtract (a reversal carries a negative amount, so it undoes its original).
 * @internal
 */
export function accountDelta(entry: Pick<Transaction, "kind" | "amount_minor">): number {
  return entry.kind === "income" || entry.kind === "transfer_in" ? entry.amount_minor : -entry.amount_minor;
}

/** Totals of an account without entries. @internal */
export function emptyAccountTotals(accountId: string): AccountTotals {
  return { account_id: accountId, net_minor: 0, entries: 0, last_entry_id: null, rebuilt_at: null };
}

/** `totals` with one more entry folded in (pure). @internal */
export function foldAccount(
  totals: AccountTotals,
  entry: Pick<Transaction, "kind" | "amount_minor">,
): AccountTotals {
  return { ...totals, net_minor: totals.net_minor + accountDelta(entry), entries: totals.entries + 1 };
}

/**
 * Run `fn` holding the account's lock. Writers take it inside the month lock (month first, then
 * accounts in id order), readers repairing the totals take it alone, so no two orders meet.
 * @internal
 */
export function lockAccount<T>(ctx: BudgetContext, accountId: string, fn: () => Promise<T>): Promise<T> {
  return ctx.locks.withLock(`account:${accountId}`, LOCK_TTL_MS, () => fn(), { waitMs: LOCK_WAIT_MS });
}

/** Hold the locks of several accounts (sorted, so two writers never wait on each other). @internal */
export function lockAccounts<T>(
  ctx: BudgetContext,
  ids: readonly string[],
  fn: () => Promise<T>,
): Promise<T> {
  const sorted = [...new Set(ids)].sort();
  const step = (i: number): Promise<T> =>
    i === sorted.length ? fn() : lockAccount(ctx, sorted[i] as string, () => step(i + 1));
  return step(0);
}

/** Recompute an account's totals from its whole ledger and store them. Call holding its lock. @internal */
export async function rebuildAccountTotals(
  ctx: BudgetContext,
  accountId: string,
): Promise<{ before: Stored<AccountTotals> | null; after: Stored<AccountTotals> }> {
  let totals = emptyAccountTotals(accountId);
  for await (const e of ctx.storage.transactions.iterate({ where: { account_id: accountId }, order: "asc" }))
    totals = foldAccount(totals, e);
  const data = { ...totals, rebuilt_at: ctx.now().toISOString() };
  const id = accountTotalsId(accountId);
  const before = await ctx.storage.account_totals.get(id);
  const after = before
    ? await ctx.storage.account_totals.update(id, data)
    : await ctx.storage.account_totals.create(data, { id });
  ctx.log.info("budget account totals rebuilt from the ledger", {
    account: accountId,
    entries: after.entries,
  });
  return { before, after };
}

async function landed(ctx: BudgetContext, t: AccountTotals): Promise<boolean> {
  return t.last_entry_id === null || (await ctx.storage.transactions.get(t.last_entry_id)) !== null;
}

/** The account's stored totals, rebuilt first when missing or unconfirmed. Call holding its lock. @internal */
export async function verifiedAccountTotals(
  ctx: BudgetContext,
  accountId: string,
): Promise<Stored<AccountTotals>> {
  const cur = await ctx.storage.account_totals.get(accountTotalsId(accountId));
  if (cur && (await landed(ctx, cur))) return cur;
  return (await rebuildAccountTotals(ctx, accountId)).after;
}

/** An account's totals for reading: one record read (and one to confirm its last entry). @internal */
export async function accountTotals(ctx: BudgetContext, accountId: string): Promise<AccountTotals> {
  const cur = await ctx.storage.account_totals.get(accountTotalsId(accountId));
  if (cur && (await landed(ctx, cur))) return cur;
  return lockAccount(ctx, accountId, () => verifiedAccountTotals(ctx, accountId));
}

/**
 * Fold entries into their accounts' totals and store them, each record naming the last of the
 * entries it now includes. Call holding those accounts' locks, before writing the entries in order.
 * @internal
 */
export async function foldIntoAccounts(
  ctx: BudgetContext,
  entries: readonly { readonly id: string; readonly entry: Transaction }[],
): Promise<string[]> {
  const touched: string[] = [];
  const byAccount = new Map<string, { id: string; entry: Transaction }[]>();
  for (const e of entries) {
    const a = e.entry.account_id;
    if (a === null) continue;
    const list = byAccount.get(a) ?? [];
    list.push(e);
    byAccount.set(a, list);
  }
  for (const [accountId, list] of byAccount) {
    const prior = await verifiedAccountTotals(ctx, accountId);
    let next: AccountTotals = prior;
    for (const e of list) next = foldAccount(next, e.entry);
    const last = list[list.length - 1] as { id: string };
    await ctx.storage.account_totals.update(
      prior.id,
      { ...next, last_entry_id: last.id },
      { ifRev: prior.rev },
    );
    touched.push(accountId);
  }
  return touched;
}

/** Drop accounts' totals after a failed write, so the next read rebuilds them from the ledger. @internal */
export async function dropAccountTotals(ctx: BudgetContext, accountIds: readonly string[]): Promise<void> {
  for (const a of accountIds) await ctx.storage.account_totals.delete(accountTotalsId(a)).catch(() => {});
}
