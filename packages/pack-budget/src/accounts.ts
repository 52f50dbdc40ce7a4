import { formatMoney, ProblemError, type Stored } from "@valhalla/runtime";
import type { Account } from "./account-schemas.js";
import { accountTotals, lockAccount, rebuildAccountTotals } from "./account-totals.js";
import { configOf, moneyField } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

/** An account as the API shows it: the record plus its balance derived from its ledger. */
export type AccountView = Stored<Account> & { balance_minor: number; balance: string; entries: number };

/** The account with its balance: opening balance + the running total of its entries (no ledger walk). */
export async function accountView(ctx: BudgetContext, account: Stored<Account>): Promise<AccountView> {
  const t = await accountTotals(ctx, account.id);
  const balance = account.opening_balance_minor + t.net_minor;
  return {
    ...account,
    balance_minor: balance,
    balance: formatMoney({ amount_minor: balance, currency: account.currency }),
    entries: t.entries,
  };
}

/** Input of a new account. */
export interface AccountInput {
  readonly name: string;
  readonly type: Account["type"];
  readonly currency?: string | undefined;
  readonly opening_balance: string;
  readonly opening_date: string;
  readonly notes: string | null;
}

/** Create an account; the opening balance may be negative (a card or loan owed). */
export async function createAccount(ctx: BudgetContext, input: AccountInput): Promise<AccountView> {
  const currency = input.currency ?? configOf(ctx).currency;
  const opening = moneyField("opening_balance", input.opening_balance, currency, "any");
  const account = await afterWrite(ctx, () =>
    ctx.storage.accounts.create({
      name: input.name,
      type: input.type,
      currency,
      opening_balance_minor: opening,
      opening_date: input.opening_date,
      status: "active",
      notes: input.notes,
      csv_mapping: null,
      locked_through: null,
    }),
  );
  return accountView(ctx, account);
}

/** Delete an account that has no entries; 409 otherwise (close it instead). */
export async function deleteAccount(ctx: BudgetContext, id: string): Promise<void> {
  await ctx.storage.accounts.require(id);
  const used = await ctx.storage.transactions.list({ where: { account_id: id }, limit: 1 });
  if (used.items.length > 0)
    throw new ProblemError(409, "account-in-use", `Account '${id}' has ledger entries`, {
      hint: "Close it with PATCH { status: 'closed' } instead",
    });
  await afterWrite(ctx, async () => {
    await ctx.storage.accounts.delete(id);
    await ctx.storage.account_totals.delete(`acbal_${id}`);
  });
}

/** Recompute an account's running total from its ledger, reporting whether it had drifted. */
export async function rebuildAccountBalance(ctx: BudgetContext, id: string) {
  const account = await ctx.storage.accounts.require(id);
  const { before, after } = await lockAccount(ctx, id, () => rebuildAccountTotals(ctx, id));
  return {
    account_id: id,
    entries: after.entries,
    changed: before === null || before.net_minor !== after.net_minor || before.entries !== after.entries,
    balance_minor: account.opening_balance_minor + after.net_minor,
  };
}
