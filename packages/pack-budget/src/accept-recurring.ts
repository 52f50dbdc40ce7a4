import { addDays, formatMoney, ProblemError } from "@valhalla/runtime";
import { putBillLink, requireBills } from "./bill-links.js";
import { type RecurringSuggestion, recurringSuggestions } from "./recurring.js";
import type { AcceptRecurringBody } from "./schemas.js";
import { todayOf } from "./service.js";
import type { BudgetContext } from "./storage.js";

// Accepting a recurring suggestion registers the bill in the bills pack (through its service) and,
// when a bucket is known, links it, so the next statement's line settles the bill's occurrence.

/** How a suggestion's cadence is written as a bill's. */
const BILL_CADENCE: Record<RecurringSuggestion["cadence"], { cadence: string; interval?: number }> = {
  weekly: { cadence: "weekly" },
  biweekly: { cadence: "every_n_weeks", interval: 2 },
  monthly: { cadence: "monthly" },
  quarterly: { cadence: "every_n_months", interval: 3 },
  yearly: { cadence: "yearly" },
};

/**
 * The part of a bank payee that names the merchant: up to the first digit, `#` or `*` (card and
 * reference numbers), so the next statement's line for the same merchant contains it.
 * @internal
 */
export function merchantOf(payee: string): string {
  const cut =
    payee
      .split(/[0-9#*]/)[0]
      ?.replace(/[\s,.;:-]+$/, "")
      .trim() ?? "";
  return cut.length >= 3 ? cut : payee.trim();
}

const titled = (s: string) => s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());

/** Turn the suggestion that holds `entry_id` into a bill (and a link to its bucket). */
export async function acceptRecurring(ctx: BudgetContext, body: AcceptRecurringBody) {
  const bills = requireBills(ctx);
  const entry = await ctx.storage.transactions.get(body.entry_id);
  const problem = (status: number, code: string, message: string) =>
    new ProblemError(status, code, `Invalid body: 'entry_id' ${message}`, {
      errors: [{ pointer: "/body/entry_id", field: "entry_id", message }],
    });
  if (!entry) throw problem(404, "unknown-entry", `no entry '${body.entry_id}'`);
  if (entry.account_id === null || entry.account_id === undefined)
    throw problem(409, "not-recurring", "is not booked to an account");
  const since = addDays(todayOf(ctx), -400);
  const found = (await recurringSuggestions(ctx, since, entry.account_id)).find((s) =>
    s.entry_ids.includes(entry.id),
  );
  if (!found) throw problem(409, "not-recurring", `belongs to no recurring suggestion (since ${since})`);
  if (found.kind !== "expense") throw problem(409, "not-recurring", "is income; only expenses become bills");
  const payee = body.payee ?? merchantOf(found.payee);
  const existing = (await bills.billsByPayee(payee)).filter((b) => b.status !== "archived");
  if (existing.length > 0)
    throw new ProblemError(409, "bill-exists", `Bill '${existing[0]?.id}' already has payee '${payee}'`, {
      bill_id: existing[0]?.id,
    });
  const bucketId = body.bucket_id ?? found.bucket_id;
  const money = (minor: number) => formatMoney({ amount_minor: minor, currency: found.currency });
  const fixed = found.min_minor === found.max_minor;
  const bill = await bills.create({
    name: body.name ?? titled(payee),
    payee,
    currency: found.currency,
    ...(fixed
      ? { amount: money(found.amount_minor) }
      : { min_amount: money(found.min_minor), max_amount: money(found.max_minor) }),
    ...BILL_CADENCE[found.cadence],
    anchor_date: found.last_date,
    // The occurrences already in the ledger are history, not open bills.
    tracked_from: addDays(found.last_date, 1),
    notes: `From ${found.occurrences} imported payments (${found.entry_ids.length} entries)`,
  });
  const link =
    bucketId === null || !body.link
      ? null
      : (
          await putBillLink(ctx, bill.id, {
            bucket_id: bucketId,
            account_id: found.account_id,
            category: body.category ?? found.category,
            since: addDays(found.last_date, 1),
            post_payments: true,
          })
        ).link;
  return { bill, link, suggestion: found };
}
