import type { OccurrenceMatch } from "@valhalla/pack-bills/refs";
import { ProblemError, type Stored } from "@valhalla/runtime";
import { allLinks } from "./bill-coverage.js";
import { requireBills } from "./bill-links.js";
import type { PlannedEntry } from "./import/plan-import.js";
import type { BillMatchBody, Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";
import { afterWrite } from "./summary-cache.js";

// A bank line that pays a bill settles the bill's occurrence: the bills pack records a payment
// made from the ledger entry (`client_key` `ledger:<entry>`, so settling twice is a no-op), and the
// entry names that payment. A link's bucket categorises a line no rule placed. Undoing the match
// removes the payment and leaves the entry as it was.

/** A bank line the import matched to a bill occurrence. */
export interface ImportBillMatch extends Omit<OccurrenceMatch, "ref"> {
  readonly line: number;
  readonly entry_id: string;
  /** The bills pack's payment, once settled (null in a dry run, or when settling was refused). */
  readonly payment_id: string | null;
  /** Why settling was refused, when it was. */
  readonly error?: string;
}

/**
 * Match the planned expenses of an import to open bill occurrences (see `BillsApi.matchOccurrences`).
 * Matched entries name the occurrence; one that is in the inbox takes the bucket and category of
 * the bill's link, when the bill has one.
 * @internal
 */
export async function matchPlanned(
  ctx: BudgetContext,
  fresh: readonly PlannedEntry[],
): Promise<{ fresh: PlannedEntry[]; matches: ImportBillMatch[] }> {
  const bills = ctx.deps.bills;
  const expenses = fresh.filter((p) => p.entry.kind === "expense");
  if (!bills || expenses.length === 0) return { fresh: [...fresh], matches: [] };
  const found = await bills.matchOccurrences(
    expenses.map((p) => ({
      ref: p.id,
      payee: p.entry.payee,
      memo: p.entry.memo,
      amount_minor: p.entry.amount_minor,
      currency: p.entry.currency,
      date: p.entry.date,
    })),
  );
  if (found.length === 0) return { fresh: [...fresh], matches: [] };
  const byRef = new Map(found.map((m) => [m.ref, m]));
  const links = new Map((await allLinks(ctx)).map((l) => [l.bill_id, l]));
  // A link's bucket places a line only where the bucket could take it by hand: active, started.
  const buckets = new Map<string, { status: string; start_month: string } | null>();
  for (const l of links.values())
    if (!buckets.has(l.bucket_id)) buckets.set(l.bucket_id, await ctx.storage.buckets.get(l.bucket_id));
  const matches: ImportBillMatch[] = [];
  const out = fresh.map((p) => {
    const m = byRef.get(p.id);
    if (!m) return p;
    const { ref: _ref, ...occurrence } = m;
    matches.push({ line: p.line, entry_id: p.id, ...occurrence, payment_id: null });
    const link = links.get(m.bill_id);
    const bucket = link ? buckets.get(link.bucket_id) : null;
    const usable = !!bucket && bucket.status === "active" && p.entry.month >= bucket.start_month;
    const bill_payment = { bill_id: m.bill_id, occurrence: m.occurrence, payment_id: null };
    const entry: Transaction =
      link && usable && p.entry.inbox
        ? {
            ...p.entry,
            bucket_id: link.bucket_id,
            category: p.entry.category ?? link.category,
            inbox: false,
            bill_payment,
          }
        : { ...p.entry, bill_payment };
    return { ...p, entry };
  });
  return { fresh: out, matches };
}

/**
 * Settle written matches on their bills. A refusal (the occurrence was paid meanwhile, the bill
 * was archived) is reported on the match and leaves the entry unsettled: `POST
 * /budget/transactions/:id/bill_match` settles it later.
 * @internal
 */
export async function settleMatches(
  ctx: BudgetContext,
  matches: readonly ImportBillMatch[],
): Promise<ImportBillMatch[]> {
  const out: ImportBillMatch[] = [];
  for (const m of matches) {
    try {
      const tx = await ctx.storage.transactions.require(m.entry_id);
      const payment_id = await settleEntry(ctx, tx, m.bill_id, m.occurrence);
      out.push({ ...m, payment_id });
    } catch (err) {
      if (!(err instanceof ProblemError)) throw err;
      out.push({ ...m, error: err.message });
    }
  }
  return out;
}

/** Record the entry's payment on the bill and name it on the entry; returns the payment id. */
async function settleEntry(
  ctx: BudgetContext,
  tx: Stored<Transaction>,
  billId: string,
  occurrence: string | undefined,
): Promise<string> {
  const { payment } = await requireBills(ctx).settle({
    bill_id: billId,
    ...(occurrence === undefined ? {} : { occurrence }),
    amount_minor: tx.amount_minor,
    currency: tx.currency,
    date: tx.date,
    client_key: `ledger:${tx.id}`,
    ledger_ref: tx.id,
  });
  await afterWrite(ctx, () =>
    ctx.storage.transactions.update(tx.id, {
      bill_payment: { bill_id: billId, occurrence: payment.occurrence, payment_id: payment.id },
    }),
  );
  return payment.id;
}

/** An expense that is still standing (not a reversal, not voided, not a transfer leg). */
async function requireMatchable(ctx: BudgetContext, id: string): Promise<Stored<Transaction>> {
  const tx = await ctx.storage.transactions.require(id);
  const refuse = (why: string) =>
    new ProblemError(409, "not-matchable", `Entry '${id}' ${why}, so it cannot pay a bill`);
  if (tx.kind !== "expense") throw refuse(`is a ${tx.kind} entry`);
  if (tx.reverses !== null) throw refuse("is a reversal");
  if (await ctx.storage.transactions.get(`${id}_void`)) throw refuse("was voided");
  return tx;
}

/**
 * Match a ledger entry to a bill occurrence by hand (or finish a match an import could not
 * settle). Matching it again to the same bill returns the same payment.
 */
export async function matchEntry(ctx: BudgetContext, id: string, body: BillMatchBody) {
  requireBills(ctx);
  const tx = await requireMatchable(ctx, id);
  const cur = tx.bill_payment ?? null;
  if (tx.source === "bill" || (cur?.payment_id && cur.bill_id !== body.bill_id))
    throw new ProblemError(
      409,
      "already-matched",
      `Entry '${id}' already pays bill '${cur?.bill_id}'; remove that match first`,
    );
  const payment_id = await settleEntry(ctx, tx, body.bill_id, body.occurrence ?? cur?.occurrence);
  return ctx.storage.transactions.require(id).then((t) => ({ entry: t, payment_id }));
}

/** Undo an entry's bill match: the bill's payment is removed and the occurrence reopens. */
export async function unmatchEntry(ctx: BudgetContext, id: string) {
  const bills = requireBills(ctx);
  const tx = await ctx.storage.transactions.require(id);
  const cur = tx.bill_payment ?? null;
  if (cur === null) throw new ProblemError(409, "not-matched", `Entry '${id}' is not matched to a bill`);
  if (tx.source === "bill")
    throw new ProblemError(
      409,
      "posted-from-bill",
      `Entry '${id}' was posted from a payment on bill '${cur.bill_id}'; remove the payment there (DELETE /bills/${cur.bill_id}/payments/${cur.payment_id}) and void this entry`,
    );
  if (cur.payment_id !== null) await bills.unsettle(cur.bill_id, cur.payment_id);
  return afterWrite(ctx, () => ctx.storage.transactions.update(id, { bill_payment: null }));
}
