import { ConflictError, createId, moneyText, ProblemError, type Stored } from "@valhalla/runtime";
import { refuseOutsideOpenRange, requireAccount } from "./account-guards.js";
import { lockAccounts } from "./account-totals.js";
import { closedMonths, essentialsStatus, isClosed, liveSnapshot, totalsReader } from "./ledger.js";
import { lockMonth } from "./month-lock.js";
import { recordEntry, verifiedTotals } from "./month-totals.js";
import { recordBatch } from "./record-batch.js";
import { applyRules } from "./rules.js";
import type { Rule, Transaction } from "./schemas.js";
import {
  fieldProblem,
  moneyField,
  requireBucket,
  requireBudgetCurrency,
  requireCategory,
} from "./service.js";
import type { BudgetContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

// Every write into a month runs under that month's lock, so the gate check, the totals and the
// insert are one serial step, and closing a month cannot race a posting into it.

/** Run `fn` while holding the month's lock, then mark the month snapshots stale. */
export function withMonth<T>(ctx: BudgetContext, month: string, fn: () => Promise<T>): Promise<T> {
  // Every month write runs here, so this is where the snapshot cache learns of it.
  return lockMonth(ctx, month, () => afterWrite(ctx, fn));
}

/** Refuse a write into a closed month (409 naming the field). @internal */
export async function refuseClosed(ctx: BudgetContext, month: string, field = "date") {
  if (await isClosed(ctx, month))
    throw new ProblemError(409, "month-closed", `Month ${month} is closed; its snapshot is frozen`, {
      month,
      errors: [{ pointer: `/body/${field}`, field, message: `falls in closed month ${month}` }],
    });
}

/** The active ledger rules. @internal */
export async function activeRules(ctx: BudgetContext): Promise<Stored<Rule>[]> {
  const out: Stored<Rule>[] = [];
  for await (const r of ctx.storage.rules.iterate({ where: { active: true } })) out.push(r);
  return out;
}

/** Input of a posting. */
export interface PostInput {
  readonly kind: "income" | "expense";
  readonly amount: string;
  readonly currency?: string | undefined;
  readonly date: string;
  readonly bucket_id?: string | null | undefined;
  readonly category?: string | null | undefined;
  readonly payee: string | null;
  readonly memo: string | null;
  readonly override: boolean;
  /** Account the money moved in or out of. */
  readonly account_id?: string | null | undefined;
  /**
   * A bill payment posted by the link (see bill-links.ts): its entry id is fixed, so posting it
   * twice returns the first entry, and it is not gated (the money has already gone).
   */
  readonly bill?: { readonly entry_id: string; readonly payment: NonNullable<Transaction["bill_payment"]> };
}

/**
 * Post an income or expense. Rules fill a bucket or category the caller left out. An expense into a
 * C/D bucket (other than essentials) is refused with 409 while the month's essentials are
 * unfunded, unless `override` is set — then the actor and the reason are recorded.
 */
export async function postTransaction(ctx: BudgetContext, input: PostInput, actor: string) {
  const accountId = input.account_id ?? null;
  const account = accountId === null ? null : await requireAccount(ctx, "account_id", accountId);
  // An entry booked to an account is in the account's currency.
  const currency = account
    ? requireCurrency(account.currency, input.currency)
    : requireBudgetCurrency(ctx, input.currency);
  const amount = moneyField("amount", input.amount, currency, "positive");
  const month = input.date.slice(0, 7);
  const fromRules = applyRules(await activeRules(ctx), {
    kind: input.kind,
    payee: input.payee,
    memo: input.memo,
    amount_minor: amount,
  });
  const auto: ("bucket_id" | "category")[] = [];
  let bucketId = input.bucket_id ?? null;
  let category = input.category ?? null;
  if (bucketId === null && fromRules.bucket_id !== undefined) {
    bucketId = fromRules.bucket_id;
    auto.push("bucket_id");
  }
  if (category === null && fromRules.category !== undefined) {
    category = fromRules.category;
    auto.push("category");
  }
  if (input.kind === "expense" && bucketId === null)
    throw fieldProblem(400, "validation-failed", "bucket_id", "is required for an expense (no rule matched)");
  const bucket = bucketId === null ? null : await requireBucket(ctx, "bucket_id", bucketId);
  if (bucket && bucket.status !== "active")
    throw fieldProblem(409, "bucket-archived", "bucket_id", `bucket '${bucket.id}' is archived`);
  if (bucket && month < bucket.start_month)
    throw fieldProblem(
      422,
      "before-bucket-start",
      "date",
      `is before bucket '${bucket.id}' starts (${bucket.start_month}); move its start with PATCH /budget/buckets/${bucket.id} { "start_month": "${month}" }`,
    );
  await requireCategory(ctx, "category", category);
  return withMonth(ctx, month, () =>
    lockAccounts(ctx, accountId === null ? [] : [accountId], async () => {
      if (accountId !== null)
        refuseOutsideOpenRange(await requireAccount(ctx, "account_id", accountId), input.date);
      if (input.bill) {
        const have = await ctx.storage.transactions.get(input.bill.entry_id);
        if (have) return have;
      }
      await refuseClosed(ctx, month);
      const prior = await verifiedTotals(ctx, month);
      let override: Transaction["override"] = null;
      const gated =
        !input.bill &&
        input.kind === "expense" &&
        bucket &&
        bucket.type !== "essentials" &&
        ["C", "D"].includes(bucket.priority);
      if (gated) {
        const status = await essentialsStatus(
          ctx,
          month,
          undefined,
          totalsReader(ctx, { month, totals: prior }),
        );
        if (!status.funded) {
          const money = (amount_minor: number) => moneyText({ amount_minor, currency });
          const reason = `Essentials for ${month} are unfunded: income ${money(status.funded_minor)} covers ${money(status.required_minor)} of essentials allocations (short ${money(status.unfunded_minor)}); priority ${bucket.priority} spending waits`;
          if (!input.override)
            throw new ProblemError(409, "essentials-unfunded", reason, {
              month,
              essentials: status,
              hint: "Record income or fund essentials first, or resend with override: true",
            });
          override = { by: actor, at: ctx.now().toISOString(), reason };
        }
      }
      const entry: Transaction = {
        kind: input.kind,
        amount_minor: amount,
        currency,
        date: input.date,
        month,
        bucket_id: bucketId,
        category,
        payee: input.payee,
        memo: input.memo,
        reverses: null,
        rule_ids: fromRules.rule_ids,
        auto_fields: auto,
        override,
        actor,
        account_id: accountId,
        source: input.bill ? "bill" : "manual",
        bank_ref: null,
        inbox: false,
        transfer_id: null,
        bill_payment: input.bill?.payment ?? null,
      };
      const id = input.bill?.entry_id ?? createId("tx");
      if (accountId === null) return recordEntry(ctx, prior, entry, id);
      const [saved] = await recordBatch(ctx, month, [{ id, entry }]);
      return saved as Stored<Transaction>;
    }),
  );
}

/** The account's currency; 422 naming `currency` when the input names another. @internal */
function requireCurrency(accountCurrency: string, given: string | undefined): string {
  if (given !== undefined && given !== accountCurrency)
    throw fieldProblem(
      422,
      "currency-mismatch",
      "currency",
      `must be the account's currency ${accountCurrency}, not ${given}`,
    );
  return accountCurrency;
}

/** Set a bucket's allocation for an open month. */
export async function setAllocation(ctx: BudgetContext, month: string, bucketId: string, amount: string) {
  const currency = requireBudgetCurrency(ctx, undefined);
  const amount_minor = moneyField("amount", amount, currency, "non-negative");
  const bucket = await ctx.storage.buckets.get(bucketId);
  if (!bucket) throw fieldProblem(404, "unknown-bucket", "bucket_id", `no bucket '${bucketId}'`, "params");
  if (month < bucket.start_month)
    throw fieldProblem(
      422,
      "before-bucket-start",
      "month",
      `is before bucket '${bucketId}' starts (${bucket.start_month})`,
      "params",
    );
  return withMonth(ctx, month, async () => {
    await refuseClosed(ctx, month, "month");
    const id = `alloc_${month}_${bucketId}`;
    const cur = await ctx.storage.allocations.get(id);
    if (cur) return ctx.storage.allocations.update(id, { amount_minor });
    try {
      return await ctx.storage.allocations.create({ month, bucket_id: bucketId, amount_minor }, { id });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return ctx.storage.allocations.update(id, { amount_minor });
    }
  });
}

/** Close a month: freeze its snapshot. A second close is a 409. */
export async function closeMonth(ctx: BudgetContext, month: string, actor: string) {
  return withMonth(ctx, month, async () => {
    const closed = await closedMonths(ctx);
    if (closed.has(month))
      throw new ProblemError(409, "month-already-closed", `Month ${month} is already closed`);
    const totals = totalsReader(ctx, { month, totals: await verifiedTotals(ctx, month) });
    const snap = { ...(await liveSnapshot(ctx, month, closed, totals)), status: "closed" as const };
    try {
      await ctx.storage.closings.create(
        { month, closed_by: actor, snapshot: snap },
        { id: `close_${month}` },
      );
    } catch (err) {
      if (err instanceof ConflictError)
        throw new ProblemError(409, "month-already-closed", `Month ${month} is already closed`);
      throw err;
    }
    return snap;
  });
}
