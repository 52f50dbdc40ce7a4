import { addDays, daysBetween, formatMoney, ProblemError, type Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { amountDueMinor } from "./amount-due.js";
import { configOf } from "./config-of.js";
import { openBetween } from "./due-index.js";
import { recordPayment } from "./record-payment.js";
import type {
  BillPaymentView,
  BillSummary,
  NewBill,
  OccurrenceMatch,
  PaymentCandidate,
  SettleInput,
} from "./refs.js";
import { type Bill, CreateBillBody, type Payment } from "./schemas.js";
import { billFromInput, billWrite, todayOf } from "./service.js";
import type { BillsContext } from "./storage.js";

// What other packs (the budget's ledger and bank import) see of bills and payments, and how a
// bank line settles an occurrence. Everything here goes through the same lock and ledger as
// `POST /bills/:id/paid`, so a settled occurrence looks exactly like one paid by hand.

/** A bill as other packs see it. */
export const billSummary = (b: Stored<Bill>): BillSummary => ({
  id: b.id,
  name: b.name,
  payee: b.payee,
  currency: b.currency,
  status: b.status,
  amount_minor: b.amount_minor,
  min_minor: b.min_minor,
  max_minor: b.max_minor,
});

/** A stored payment as other packs see it. */
export const paymentView = (p: Stored<Payment>): BillPaymentView => ({
  id: p.id,
  bill_id: p.bill_id,
  occurrence: p.occurrence,
  due_date: p.due_date,
  amount_minor: p.amount_minor,
  currency: p.currency,
  paid_on: p.paid_on,
  client_key: p.client_key,
  ledger_ref: p.ledger_ref ?? null,
});

/** Payments of a bill paid on or after `since`, oldest first. */
export async function paymentsOf(
  ctx: BillsContext,
  billId: string,
  since?: string,
): Promise<BillPaymentView[]> {
  const out: BillPaymentView[] = [];
  for await (const p of ctx.storage.payments.iterate({ where: { bill_id: billId } }))
    if (since === undefined || p.paid_on >= since) out.push(paymentView(p));
  return out.sort((a, b) => (a.paid_on < b.paid_on ? -1 : a.paid_on > b.paid_on ? 1 : a.id < b.id ? -1 : 1));
}

const lower = (s: string | null) => (s ?? "").toLowerCase();

/** Whether `amount` pays the occurrence: the amount due, what remains of it, or inside the range. */
function amountFits(b: Bill, paid: number, amount: number, due: number): boolean {
  if (amount === due || (paid > 0 && amount === due - paid)) return true;
  if (b.amount_minor !== null) return false;
  const min = b.min_minor ?? 0;
  return amount >= min && (b.max_minor === null || amount <= b.max_minor);
}

/**
 * The open occurrence each candidate most likely pays (see `BillsApi.matchOccurrences`). One pass
 * over the active bills; among fitting occurrences the one due nearest the payment wins, and an
 * occurrence goes to the first candidate (by date) that fits it.
 */
export async function matchOccurrences(
  ctx: BillsContext,
  candidates: readonly PaymentCandidate[],
  windowDays = 7,
): Promise<OccurrenceMatch[]> {
  if (candidates.length === 0) return [];
  const settings = configOf(ctx);
  const dates = candidates.map((c) => c.date).sort();
  const from = addDays(dates[0]!, -windowDays);
  const to = addDays(dates[dates.length - 1]!, windowDays);
  const bills: Stored<Bill>[] = [];
  for await (const b of ctx.storage.bills.iterate({ where: { status: "active" } }))
    if (b.payee.trim() !== "") bills.push(b);
  const taken = new Set<string>();
  const out: OccurrenceMatch[] = [];
  for (const c of [...candidates].sort((p, q) => (p.date < q.date ? -1 : p.date > q.date ? 1 : 0))) {
    const text = `${lower(c.payee)} ${lower(c.memo)}`;
    let best: OccurrenceMatch | undefined;
    for (const b of bills) {
      if (b.currency !== c.currency || !text.includes(b.payee.trim().toLowerCase())) continue;
      const due = amountDueMinor(b, b.variable_paid_at ?? settings.variable_paid_at);
      // Occurrences before the bill is tracked are history, not open bills.
      for (const o of openBetween(b, from < b.tracked_from ? b.tracked_from : from, to)) {
        const gap = daysBetween(o.due, c.date);
        const key = `${b.id}|${o.nominal}`;
        if (Math.abs(gap) > windowDays || taken.has(key)) continue;
        if (!amountFits(b, b.paid_by_occurrence?.[o.nominal] ?? 0, c.amount_minor, due)) continue;
        if (best && Math.abs(best.days_from_due) <= Math.abs(gap)) continue;
        best = {
          ref: c.ref,
          bill_id: b.id,
          bill_name: b.name,
          occurrence: o.nominal,
          due_date: o.due,
          days_from_due: gap,
        };
      }
    }
    if (best) {
      taken.add(`${best.bill_id}|${best.occurrence}`);
      out.push(best);
    }
  }
  return out;
}

/** Record a payment made from another pack's ledger entry (idempotent by `client_key`). */
export async function settle(ctx: BillsContext, input: SettleInput) {
  const { payment, created } = await recordPayment(ctx, input.bill_id, {
    amount: formatMoney({ amount_minor: input.amount_minor, currency: input.currency }),
    currency: input.currency,
    date: input.date,
    client_key: input.client_key,
    notes: null,
    occurrence: input.occurrence,
    ledger_ref: input.ledger_ref,
  });
  return { payment: paymentView(payment), created };
}

/** Bills whose payee is `payee`, case-insensitively (one pass over the bills; meant for rare calls). */
export async function billsByPayee(ctx: BillsContext, payee: string): Promise<BillSummary[]> {
  const want = payee.trim().toLowerCase();
  const out: BillSummary[] = [];
  for await (const b of ctx.storage.bills.iterate())
    if (b.payee.trim().toLowerCase() === want) out.push(billSummary(b));
  return out;
}

/** Register a bill from another pack, validated like `POST /bills` (400 naming the first bad field). */
export async function createFromService(ctx: BillsContext, input: NewBill): Promise<BillSummary> {
  const parsed = v.safeParse(CreateBillBody, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = v.getDotPath(issue) ?? "body";
    throw new ProblemError(400, "validation-failed", `Invalid bill: '${field}' ${issue.message}`, {
      errors: [{ pointer: `/body/${field.replaceAll(".", "/")}`, field, message: issue.message }],
    });
  }
  const bill = await billWrite(ctx, async () => ({
    before: null,
    after: await ctx.storage.bills.create(billFromInput(parsed.output, todayOf(ctx), configOf(ctx))),
  }));
  return billSummary(bill);
}
