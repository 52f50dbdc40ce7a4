import { ConflictError, ProblemError, type Stored } from "@valhalla/runtime";
import { refuseOutsideOpenRange } from "./account-guards.js";
import { lockAccounts } from "./account-totals.js";
import { recordEntry, verifiedTotals } from "./month-totals.js";
import { refuseClosed, withMonth } from "./posting.js";
import { recordBatch } from "./record-batch.js";
import type { Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

/** An entry's data without id, rev and timestamps. @internal */
export function stripMeta<T extends { id: string; rev: number; created_at: string; updated_at: string }>(
  r: T,
) {
  const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...rest } = r;
  return rest;
}

/** The reversal of `orig`: same month and account, opposite sign, not a bank line, not in the inbox. @internal */
export function reversalOf(orig: Stored<Transaction>, actor: string): Transaction {
  return {
    ...stripMeta(orig),
    amount_minor: -orig.amount_minor,
    reverses: orig.id,
    override: null,
    // The reversal pays nothing: undoing a bill match is its own step (DELETE …/bill_match).
    bill_payment: null,
    actor,
    memo: `void of ${orig.id}`,
    account_id: orig.account_id ?? null,
    source: orig.source ?? "manual",
    bank_ref: null,
    inbox: false,
    transfer_id: orig.transfer_id ?? null,
  };
}

/**
 * Void an entry by posting its reversal (same month, opposite sign); the original is never edited
 * (only its inbox flag drops). Transfer legs are voided together through their transfer.
 */
export async function voidTransaction(ctx: BudgetContext, id: string, actor: string) {
  const orig = await ctx.storage.transactions.require(id);
  if (orig.reverses !== null)
    throw new ProblemError(409, "cannot-void-reversal", `'${id}' is itself a reversal of '${orig.reverses}'`);
  if ((orig.transfer_id ?? null) !== null)
    throw new ProblemError(409, "transfer-leg", `'${id}' is a leg of transfer '${orig.transfer_id}'`, {
      hint: `Void both legs with POST /budget/transfers/${orig.transfer_id}/void`,
    });
  const accountId = orig.account_id ?? null;
  return withMonth(ctx, orig.month, () =>
    lockAccounts(ctx, accountId === null ? [] : [accountId], async () => {
      await refuseClosed(ctx, orig.month);
      if (accountId !== null) {
        const account = await ctx.storage.accounts.require(accountId);
        refuseOutsideOpenRange(account, orig.date);
      }
      // One reversal per entry, under one id. Checked before the totals are touched; the conflict
      // below only catches a writer that bypassed the lock.
      const voidId = `${orig.id}_void`;
      const already = () =>
        new ProblemError(409, "already-voided", `'${id}' is already voided by '${voidId}'`);
      if (await ctx.storage.transactions.get(voidId)) throw already();
      const reversal = reversalOf(orig, actor);
      try {
        const saved =
          accountId === null
            ? await recordEntry(ctx, await verifiedTotals(ctx, orig.month), reversal, voidId)
            : ((
                await recordBatch(ctx, orig.month, [{ id: voidId, entry: reversal }])
              )[0] as Stored<Transaction>);
        if (orig.inbox) await ctx.storage.transactions.update(orig.id, { inbox: false });
        return saved;
      } catch (err) {
        if (err instanceof ConflictError) throw already();
        throw err;
      }
    }),
  );
}
