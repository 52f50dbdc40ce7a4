import { formatMoney, ProblemError } from "@valhalla/runtime";
import { accountDelta, lockAccount } from "./account-totals.js";
import { fieldProblem, moneyField } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

/** A bank statement to reconcile an account against. */
export interface StatementInput {
  readonly statement_date: string;
  readonly closing_balance: string;
  readonly lock: boolean;
}

/** An entry as a reconciliation lists it, with its effect on the balance. */
interface ReconEntry {
  readonly id: string;
  readonly date: string;
  readonly kind: "income" | "expense" | "transfer_in" | "transfer_out";
  readonly payee: string | null;
  readonly effect_minor: number;
}

const MAX_LISTED = 500;

function explain(diff: number, currency: string, suspects: number): string {
  if (diff === 0) return "The ledger matches the statement.";
  const amount = formatMoney({ amount_minor: Math.abs(diff), currency });
  const side =
    diff > 0
      ? `The statement shows ${amount} more than the ledger: money in the ledger lacks (import the statement), or an uncleared outflow the bank has not seen`
      : `The statement shows ${amount} less than the ledger: money out the ledger lacks (import the statement), or an uncleared inflow the bank has not seen`;
  return suspects > 0 ? `${side}; the suspects alone would close it.` : `${side}.`;
}

/**
 * Compare an account's ledger up to a statement date with the bank's closing balance. Entries the
 * bank confirmed (imported, or matched by an import) are cleared; the rest (entered by hand,
 * transfers, reversals) are uncleared and listed. `difference` = closing balance − ledger balance; when it is not zero, the
 * uncleared entries whose effect alone explains it are named as suspects. `lock` (only when the
 * difference is zero) locks the range through the statement date against new entries and voids.
 * Runs under the account's lock, so no entry lands half-way through.
 */
export async function reconcileAccount(
  ctx: BudgetContext,
  accountId: string,
  input: StatementInput,
  actor: string,
) {
  const account = await ctx.storage.accounts.require(accountId);
  const closing = moneyField("closing_balance", input.closing_balance, account.currency, "any");
  if (input.statement_date < account.opening_date)
    throw fieldProblem(
      422,
      "before-account-opening",
      "statement_date",
      `is before the account opened (${account.opening_date})`,
    );
  return lockAccount(ctx, accountId, async () => {
    let ledger = account.opening_balance_minor;
    let cleared = account.opening_balance_minor;
    let clearedCount = 0;
    const uncleared: ReconEntry[] = [];
    for await (const e of ctx.storage.transactions.iterate({
      where: { account_id: accountId },
      order: "asc",
    })) {
      if (e.date > input.statement_date) continue;
      const effect = accountDelta(e);
      ledger += effect;
      if ((e.bank_ref ?? null) !== null) {
        cleared += effect;
        clearedCount++;
      } else uncleared.push({ id: e.id, date: e.date, kind: e.kind, payee: e.payee, effect_minor: effect });
    }
    const difference = closing - ledger;
    const suspects = difference === 0 ? [] : uncleared.filter((u) => u.effect_minor === -difference);
    if (input.lock && difference !== 0)
      throw new ProblemError(
        409,
        "not-reconciled",
        `The ledger differs from the statement by ${difference} minor units; only a zero difference can be locked`,
        {
          difference_minor: difference,
        },
      );
    const current = await ctx.storage.accounts.require(accountId);
    const lockedThrough =
      input.lock && (current.locked_through === null || current.locked_through < input.statement_date)
        ? input.statement_date
        : current.locked_through;
    const record = await afterWrite(ctx, async () => {
      if (lockedThrough !== current.locked_through)
        await ctx.storage.accounts.update(accountId, { locked_through: lockedThrough });
      return ctx.storage.reconciliations.create({
        account_id: accountId,
        statement_date: input.statement_date,
        closing_balance_minor: closing,
        ledger_balance_minor: ledger,
        difference_minor: difference,
        locked: input.lock,
        actor,
      });
    });
    return {
      id: record.id,
      account_id: accountId,
      statement_date: input.statement_date,
      closing_balance_minor: closing,
      ledger_balance_minor: ledger,
      cleared_balance_minor: cleared,
      difference_minor: difference,
      reconciled: difference === 0,
      locked: input.lock,
      locked_through: lockedThrough,
      cleared: { count: clearedCount, effect_minor: cleared - account.opening_balance_minor },
      uncleared: uncleared.slice(0, MAX_LISTED),
      suspects,
      explanation: explain(difference, account.currency, suspects.length),
    };
  });
}
