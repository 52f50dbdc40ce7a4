import { addDays, ConflictError, daysBetween, ProblemError, type Stored } from "@valhalla/runtime";
import { formatAmount } from "./amount-due.js";
import { configOf } from "./config-of.js";
import { adjustForWeekend, isNominalDate, type Occurrence } from "./due-dates.js";
import { openBetween, withDueIndex } from "./due-index.js";
import type { Bill, Payment } from "./schemas.js";
import { moneyField, paymentId, scheduleOf, todayOf } from "./service.js";
import type { BillsContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

/** A payment to record: decimal amount, the day it was paid, the caller's idempotency key. */
export interface PaymentInput {
  readonly amount: string;
  readonly currency?: string | undefined;
  readonly date: string;
  readonly client_key: string;
  readonly notes: string | null;
  /** Nominal date of the occurrence it pays; the open occurrence nearest to `date` when left out. */
  readonly occurrence?: string | undefined;
  /** Another pack's ledger entry the payment is made from (see `BillsApi.settle`). */
  readonly ledger_ref?: string | null | undefined;
}

/**
 * Minor units the payments ledger holds per occurrence of one bill. Only writes read it (under
 * the bill's lock); summaries use the bill's own `paid_by_occurrence`, which each payment write
 * brings in step.
 */
async function ledgerSums(ctx: BillsContext, billId: string): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for await (const p of ctx.storage.payments.iterate({ where: { bill_id: billId } }))
    sums[p.occurrence] = (sums[p.occurrence] ?? 0) + p.amount_minor;
  return sortedKeys(sums);
}

const sortedKeys = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Bring the bill's per-occurrence sums (and so `paid` and its keys) in step with the ledger. */
async function syncPaid(ctx: BillsContext, billId: string): Promise<Stored<Bill>> {
  const sums = await ledgerSums(ctx, billId);
  const cur = await ctx.storage.bills.require(billId);
  if (JSON.stringify(cur.paid_by_occurrence ?? null) === JSON.stringify(sums)) return cur;
  const today = todayOf(ctx);
  return ctx.storage.bills.update(billId, (b) =>
    withDueIndex({ ...b, paid_by_occurrence: sums }, today, configOf(ctx)),
  );
}

/**
 * The occurrence a payment is for: the one named; else the oldest partly paid one due by the
 * payment date (a payment after a partial one most likely finishes it); else the open one due
 * nearest to the payment.
 */
function targetOf(bill: Stored<Bill>, input: PaymentInput): Occurrence | undefined {
  if (input.occurrence !== undefined) {
    const nominal = input.occurrence;
    const problem = (message: string) =>
      new ProblemError(422, "not-an-occurrence", `${nominal} ${message} of bill '${bill.id}'`, {
        errors: [{ pointer: "/body/occurrence", field: "occurrence", message }],
      });
    if (!isNominalDate(scheduleOf(bill), nominal)) throw problem("is not a nominal due date");
    if (bill.skipped.includes(nominal)) throw problem("is a skipped occurrence");
    // A named occurrence may be paid in full already: more is recorded and shown as overpaid.
    return { nominal, due: adjustForWeekend(nominal, bill.weekend_adjustment) };
  }
  const open = openBetween(bill, addDays(input.date, -400), addDays(input.date, 400));
  const unfinished = open.find((o) => o.due <= input.date && (bill.paid_by_occurrence?.[o.nominal] ?? 0) > 0);
  if (unfinished) return unfinished;
  return open.sort(
    (p, q) =>
      Math.abs(daysBetween(input.date, p.due)) - Math.abs(daysBetween(input.date, q.due)) ||
      (p.due < q.due ? -1 : 1),
  )[0];
}

/**
 * Record a payment against one occurrence: the one named, else the oldest partly paid one due by
 * then, else the nearest one not paid in full (a partly paid occurrence stays open until its
 * payments reach the amount due). The id
 * derives from bill and client key, so a retried post returns the first payment
 * (`created: false`) instead of paying twice.
 */
export async function recordPayment(
  ctx: BillsContext,
  billId: string,
  input: PaymentInput,
): Promise<{ payment: Stored<Payment>; created: boolean; bill: Stored<Bill> }> {
  const bill = await ctx.storage.bills.require(billId);
  const currency = input.currency ?? bill.currency;
  if (currency !== bill.currency)
    throw new ProblemError(
      422,
      "currency-mismatch",
      `Bill '${bill.id}' is billed in ${bill.currency}, not ${currency}`,
      {
        errors: [{ pointer: "/body/currency", field: "currency", message: `must be ${bill.currency}` }],
      },
    );
  const amount_minor = moneyField("amount", input.amount, currency, 1);
  const id = paymentId(bill.id, input.client_key);
  // One payment at a time per bill, so two keys never settle the same occurrence twice over.
  return ctx.locks.withLock(`bill:${bill.id}`, 10_000, () =>
    afterWrite(ctx, async () => {
      const prior = await ctx.storage.payments.get(id);
      if (prior) {
        // A retry also repairs a bill whose sums update was lost after the payment committed.
        const synced = await syncPaid(ctx, bill.id);
        return { payment: sameOrConflict(prior, amount_minor, input), created: false, bill: synced };
      }
      // The ledger, not the bill's copy, decides what is still open: it is the source of truth.
      const sums = await ledgerSums(ctx, bill.id);
      const current = withDueIndex(
        { ...(await ctx.storage.bills.require(bill.id)), paid_by_occurrence: sums },
        todayOf(ctx),
        configOf(ctx),
      );
      const target = targetOf(current, input);
      if (!target)
        throw new ProblemError(
          409,
          "no-open-occurrence",
          `Bill '${bill.id}' has no open occurrence near ${input.date}`,
        );
      try {
        const payment = await ctx.storage.payments.create(
          {
            bill_id: bill.id,
            occurrence: target.nominal,
            due_date: target.due,
            amount_minor,
            currency,
            paid_on: input.date,
            client_key: input.client_key,
            notes: input.notes,
            ledger_ref: input.ledger_ref ?? null,
          },
          { id },
        );
        return { payment, created: true, bill: await syncPaid(ctx, bill.id) };
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        const synced = await syncPaid(ctx, bill.id);
        const payment = sameOrConflict(await ctx.storage.payments.require(id), amount_minor, input);
        return { payment, created: false, bill: synced };
      }
    }),
  );
}

function sameOrConflict(prior: Stored<Payment>, amount: number, input: PaymentInput): Stored<Payment> {
  const sameTarget = input.occurrence === undefined || input.occurrence === prior.occurrence;
  if (prior.amount_minor === amount && prior.paid_on === input.date && sameTarget) return prior;
  throw new ProblemError(
    422,
    "idempotency-key-reused",
    `client_key '${prior.client_key}' was already used for a different payment (${prior.paid_on}, ${formatAmount(prior.amount_minor, prior.currency)})`,
    {
      errors: [{ pointer: "/body/client_key", field: "client_key", message: "was used for another payment" }],
    },
  );
}

/**
 * Remove one payment of a bill (a matched bank line that was not this bill after all) and bring the
 * bill's sums back in step; false when there was no such payment.
 */
export async function removePayment(ctx: BillsContext, billId: string, paymentId: string): Promise<boolean> {
  await ctx.storage.bills.require(billId);
  return ctx.locks.withLock(`bill:${billId}`, 10_000, () =>
    afterWrite(ctx, async () => {
      const p = await ctx.storage.payments.get(paymentId);
      if (!p || p.bill_id !== billId) return false;
      await ctx.storage.payments.delete(paymentId);
      await syncPaid(ctx, billId);
      return true;
    }),
  );
}
