import type { BillsApi } from "@valhalla/pack-bills/refs";
import { formatMoney, NotFoundError, ProblemError } from "@valhalla/runtime";
import { requireAccount } from "./account-guards.js";
import { allLinks } from "./bill-coverage.js";
import { postTransaction } from "./posting.js";
import type { BillLink, BillLinkBody } from "./schemas.js";
import { configOf, fieldProblem, requireBucket, requireCategory, todayOf } from "./service.js";
import type { BudgetContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

// A bill the budget covers through a bucket. Two things follow from the link:
// - the bill's payments (made with POST /bills/:id/paid) are posted to the bucket as expenses, one
//   entry per payment with a fixed id (`tx_<payment id>`), so posting again is a no-op;
// - the cash plan counts the bill once, in the bucket's allocation, not again in the bills estimate.
// The bills pack is reached only through its service; the budget never reads its storage.

/** The bills service, or 409 when the bills pack is not installed. @internal */
export function requireBills(ctx: BudgetContext): BillsApi {
  const bills = ctx.deps.bills;
  if (!bills)
    throw new ProblemError(
      409,
      "bills-not-installed",
      "The bills pack is not installed in this host, so there are no bills to link or match",
    );
  return bills;
}

/** Create or replace the link of one bill (see `PUT /budget/bill_links/:bill_id`). */
export async function putBillLink(ctx: BudgetContext, billId: string, body: BillLinkBody) {
  const bills = requireBills(ctx);
  const bill = await bills.bill(billId);
  if (!bill) throw new NotFoundError("bills", billId);
  const bucket = await requireBucket(ctx, "bucket_id", body.bucket_id);
  if (bucket.status !== "active")
    throw fieldProblem(409, "bucket-archived", "bucket_id", `bucket '${bucket.id}' is archived`);
  await requireCategory(ctx, "category", body.category);
  const account = body.account_id === null ? null : await requireAccount(ctx, "account_id", body.account_id);
  const currency = account?.currency ?? configOf(ctx).currency;
  if (bill.currency !== currency)
    throw fieldProblem(
      422,
      "currency-mismatch",
      account ? "account_id" : "bucket_id",
      `books ${currency}, but bill '${bill.id}' is billed in ${bill.currency}`,
    );
  const link: BillLink = {
    bill_id: bill.id,
    bucket_id: bucket.id,
    account_id: account?.id ?? null,
    category: body.category,
    since: body.since ?? todayOf(ctx),
    post_payments: body.post_payments,
  };
  return afterWrite(ctx, async () => {
    const cur = await ctx.storage.bill_links.get(bill.id);
    const saved = cur
      ? await ctx.storage.bill_links.update(bill.id, link, { ifRev: cur.rev })
      : await ctx.storage.bill_links.create(link, { id: bill.id });
    return { link: saved, created: !cur };
  });
}

/** Remove a bill's link; entries already posted stay in the ledger. */
export async function deleteBillLink(ctx: BudgetContext, billId: string): Promise<void> {
  if (!(await afterWrite(ctx, () => ctx.storage.bill_links.delete(billId))))
    throw new NotFoundError("bill_links", billId);
}

/** The ledger entry id of a bill payment posted through a link. */
export const billEntryId = (paymentId: string) => `tx_${paymentId}`;

/** What one sync did. */
export interface BillSyncResult {
  /** Entries posted by this sync. */
  readonly posted: { entry_id: string; payment_id: string; bill_id: string; amount_minor: number }[];
  /** Payments already in the ledger (posted before, or made from a ledger entry). */
  readonly already: number;
  /** Payments that could not be posted, and why (a closed month, a reconciled range, …). */
  readonly refused: { payment_id: string; bill_id: string; status: number; code: string; reason: string }[];
}

/**
 * Post every payment of a linked bill (paid on or after the link's `since`) that is not in the
 * ledger yet. Payments made from a ledger entry (a matched bank line) are already there. Safe to
 * run concurrently and repeatedly: an entry's id is fixed by its payment.
 */
export async function syncBillPayments(ctx: BudgetContext, actor: string): Promise<BillSyncResult> {
  const bills = ctx.deps.bills;
  const result: BillSyncResult = { posted: [], already: 0, refused: [] };
  if (!bills) return result;
  let already = 0;
  for (const link of await allLinks(ctx)) {
    if (!link.post_payments) continue;
    const bill = await bills.bill(link.bill_id);
    if (!bill) continue;
    for (const p of await bills.payments(link.bill_id, { since: link.since })) {
      const entryId = billEntryId(p.id);
      if (p.ledger_ref !== null || (await ctx.storage.transactions.get(entryId))) {
        already++;
        continue;
      }
      try {
        const tx = await postTransaction(
          ctx,
          {
            kind: "expense",
            amount: formatMoney({ amount_minor: p.amount_minor, currency: p.currency }),
            currency: p.currency,
            date: p.paid_on,
            bucket_id: link.bucket_id,
            category: link.category,
            payee: bill.payee,
            memo: `${bill.name} (due ${p.due_date})`,
            override: false,
            account_id: link.account_id,
            bill: {
              entry_id: entryId,
              payment: { bill_id: bill.id, occurrence: p.occurrence, payment_id: p.id },
            },
          },
          actor,
        );
        result.posted.push({
          entry_id: tx.id,
          payment_id: p.id,
          bill_id: bill.id,
          amount_minor: p.amount_minor,
        });
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        result.refused.push({
          payment_id: p.id,
          bill_id: bill.id,
          status: err.status,
          code: err.code,
          reason: err.message,
        });
      }
    }
  }
  return { ...result, already };
}
