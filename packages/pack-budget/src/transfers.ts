import { createId, formatMoney, NotFoundError, ProblemError, type Stored } from "@valhalla/runtime";
import { refuseOutsideOpenRange, requireAccount } from "./account-guards.js";
import { lockAccounts } from "./account-totals.js";
import { refuseClosed, withMonth } from "./posting.js";
import { recordBatch } from "./record-batch.js";
import type { Transaction } from "./schemas.js";
import { fieldProblem, moneyField } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { reversalOf } from "./void-transaction.js";

/** Input of a transfer between two of the household's accounts. */
export interface TransferInput {
  readonly from_account_id: string;
  readonly to_account_id: string;
  readonly amount: string;
  readonly date: string;
  readonly memo: string | null;
}

/** A transfer as the API shows it: its two legs and whether it was voided. */
export interface TransferView {
  readonly id: string;
  readonly from_account_id: string;
  readonly to_account_id: string;
  readonly amount_minor: number;
  readonly amount: string;
  readonly currency: string;
  readonly date: string;
  readonly memo: string | null;
  readonly voided: boolean;
  readonly legs: Stored<Transaction>[];
}

const legIds = (id: string) => ({ out: `${id}_out`, in: `${id}_in` });

function viewOf(
  id: string,
  out: Stored<Transaction>,
  inn: Stored<Transaction>,
  voided: boolean,
): TransferView {
  return {
    id,
    from_account_id: out.account_id ?? "",
    to_account_id: inn.account_id ?? "",
    amount_minor: out.amount_minor,
    amount: formatMoney({ amount_minor: out.amount_minor, currency: out.currency }),
    currency: out.currency,
    date: out.date,
    memo: out.memo,
    voided,
    legs: [out, inn],
  };
}

/**
 * Move money between two accounts: an outgoing leg on one and an incoming leg on the other, both
 * neither income nor expense, so bucket spending and month totals do not change.
 */
export async function postTransfer(
  ctx: BudgetContext,
  input: TransferInput,
  actor: string,
): Promise<TransferView> {
  if (input.from_account_id === input.to_account_id)
    throw fieldProblem(400, "validation-failed", "to_account_id", "must differ from from_account_id");
  const from = await requireAccount(ctx, "from_account_id", input.from_account_id);
  const to = await requireAccount(ctx, "to_account_id", input.to_account_id);
  if (from.currency !== to.currency)
    throw fieldProblem(
      422,
      "currency-mismatch",
      "to_account_id",
      `is in ${to.currency}, the source account in ${from.currency}`,
    );
  const amount = moneyField("amount", input.amount, from.currency, "positive");
  const month = input.date.slice(0, 7);
  const id = createId("tr");
  return withMonth(ctx, month, () =>
    lockAccounts(ctx, [from.id, to.id], async () => {
      refuseOutsideOpenRange(await requireAccount(ctx, "from_account_id", from.id), input.date);
      refuseOutsideOpenRange(await requireAccount(ctx, "to_account_id", to.id), input.date);
      await refuseClosed(ctx, month);
      const leg = (kind: "transfer_out" | "transfer_in", accountId: string, other: string): Transaction => ({
        kind,
        amount_minor: amount,
        currency: from.currency,
        date: input.date,
        month,
        bucket_id: null,
        category: null,
        payee: other,
        memo: input.memo,
        reverses: null,
        rule_ids: [],
        auto_fields: [],
        override: null,
        actor,
        account_id: accountId,
        source: "transfer",
        bank_ref: null,
        inbox: false,
        transfer_id: id,
        bill_payment: null,
      });
      const ids = legIds(id);
      const [out, inn] = await recordBatch(ctx, month, [
        { id: ids.out, entry: leg("transfer_out", from.id, to.name) },
        { id: ids.in, entry: leg("transfer_in", to.id, from.name) },
      ]);
      return viewOf(id, out as Stored<Transaction>, inn as Stored<Transaction>, false);
    }),
  );
}

/** A transfer by id, from its legs. @throws NotFoundError */
export async function getTransfer(ctx: BudgetContext, id: string): Promise<TransferView> {
  const ids = legIds(id);
  const out = await ctx.storage.transactions.get(ids.out);
  const inn = await ctx.storage.transactions.get(ids.in);
  if (!out || !inn) throw new NotFoundError("budget.transfers", id);
  return viewOf(id, out, inn, (await ctx.storage.transactions.get(`${ids.out}_void`)) !== null);
}

/** Void both legs of a transfer (their reversals are written together). */
export async function voidTransfer(ctx: BudgetContext, id: string, actor: string): Promise<TransferView> {
  const t = await getTransfer(ctx, id);
  const [out, inn] = t.legs as [Stored<Transaction>, Stored<Transaction>];
  return withMonth(ctx, out.month, () =>
    lockAccounts(ctx, [t.from_account_id, t.to_account_id], async () => {
      await refuseClosed(ctx, out.month);
      for (const a of [t.from_account_id, t.to_account_id])
        refuseOutsideOpenRange(await ctx.storage.accounts.require(a), out.date);
      if (await ctx.storage.transactions.get(`${out.id}_void`))
        throw new ProblemError(409, "already-voided", `Transfer '${id}' is already voided`);
      await recordBatch(ctx, out.month, [
        { id: `${out.id}_void`, entry: reversalOf(out, actor) },
        { id: `${inn.id}_void`, entry: reversalOf(inn, actor) },
      ]);
      return { ...t, voided: true };
    }),
  );
}
