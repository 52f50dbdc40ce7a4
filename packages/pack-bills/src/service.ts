import { createHash } from "node:crypto";
import {
  addDays,
  ConflictError,
  daysBetween,
  formatMoney,
  MoneyError,
  ProblemError,
  parseMoney,
  type Stored,
  todayIn,
} from "@valhalla/runtime";
import * as v from "valibot";
import { describeCadence, isNominalDate, type Occurrence, type Schedule } from "./due-dates.js";
import { openBetween, openInWindow, withDueIndex } from "./due-index.js";
import { estimatedWrite, readEstimate } from "./estimate.js";
import type { BillObligation, BillsEstimate } from "./refs.js";
import {
  AUTOPAY_STEPS,
  type Bill,
  BillsConfig,
  type CreateBillBody,
  type Payment,
  type Reminder,
} from "./schemas.js";
import type { BillsContext } from "./storage.js";
import { afterWrite, cachedSummary } from "./summary-cache.js";

/** The pack's config with defaults applied. */
export function configOf(ctx: Pick<BillsContext, "config">): BillsConfig {
  return v.parse(BillsConfig, ctx.config);
}

/** Today in the host's time zone. */
export const todayOf = (ctx: Pick<BillsContext, "timezone" | "now">): string =>
  todayIn(ctx.timezone, ctx.now());

/** A 400 problem naming one body field. */
export function fieldProblem(field: string, message: string, part = "body"): ProblemError {
  return new ProblemError(400, "validation-failed", `Invalid ${part}: '${field}' ${message}`, {
    errors: [{ pointer: `/${part}/${field}`, field, message }],
  });
}

/**
 * Parse a decimal amount into minor units, naming the field when it is malformed, too precise or
 * below `min` (in minor units).
 */
export function moneyField(field: string, raw: string, currency: string, min = 0): number {
  let amount: number;
  try {
    amount = parseMoney(raw, currency).amount_minor;
  } catch (err) {
    throw fieldProblem(field, err instanceof MoneyError ? err.message : String(err));
  }
  if (amount < min)
    throw fieldProblem(field, min === 0 ? "must not be negative" : "must be greater than zero");
  return amount;
}

const parseOptional = (field: string, raw: string | null | undefined, currency: string) =>
  raw === null || raw === undefined ? null : moneyField(field, raw, currency);

/** The amount and schedule fields of a bill, checked together. */
export function billFromInput(
  body: Omit<CreateBillBody, "tracked_from"> & { tracked_from?: string | undefined },
  today: string,
  current?: Bill,
): Bill {
  const amount_minor = parseOptional("amount", body.amount, body.currency);
  const min_minor = parseOptional("min_amount", body.min_amount, body.currency);
  const max_minor = parseOptional("max_amount", body.max_amount, body.currency);
  if (amount_minor === null && min_minor === null && max_minor === null)
    throw fieldProblem("amount", "is required unless min_amount or max_amount is given (variable bill)");
  if (amount_minor !== null && (min_minor !== null || max_minor !== null))
    throw fieldProblem("amount", "cannot be combined with min_amount/max_amount");
  if (min_minor !== null && max_minor !== null && min_minor > max_minor)
    throw fieldProblem("max_amount", "must be at least min_amount");
  const everyN = body.cadence.startsWith("every_n_") || body.cadence === "yearly";
  if (body.interval !== undefined && !everyN)
    throw fieldProblem("interval", `only applies to every_n_* and yearly cadences, not '${body.cadence}'`);
  if (body.cadence.startsWith("every_n_") && body.interval === undefined)
    throw fieldProblem("interval", `is required for cadence '${body.cadence}'`);
  if (body.cadence === "twice_monthly" && body.second_day_of_month === null)
    throw fieldProblem("second_day_of_month", "is required for cadence 'twice_monthly'");
  if (body.cadence !== "twice_monthly" && body.second_day_of_month !== null)
    throw fieldProblem("second_day_of_month", "only applies to cadence 'twice_monthly'");
  const dayBased = ["weekly", "every_n_weeks", "every_n_days"].includes(body.cadence);
  if (dayBased && body.day_of_month !== null)
    throw fieldProblem("day_of_month", `does not apply to cadence '${body.cadence}'`);
  if (body.cadence === "twice_monthly") {
    const first = body.day_of_month ?? Number(body.anchor_date.slice(8, 10));
    if (first === body.second_day_of_month)
      throw fieldProblem("second_day_of_month", "must differ from day_of_month");
  }
  return withDueIndex(
    {
      name: body.name,
      payee: body.payee,
      currency: body.currency,
      amount_minor,
      min_minor,
      max_minor,
      cadence: body.cadence,
      interval: body.interval ?? 1,
      anchor_date: body.anchor_date,
      day_of_month: body.day_of_month,
      second_day_of_month: body.second_day_of_month,
      weekend_adjustment: body.weekend_adjustment,
      autopay: body.autopay,
      status: body.status,
      notes: body.notes,
      grace_days: body.grace_days,
      tracked_from: body.tracked_from ?? current?.tracked_from ?? today,
      skipped: current?.skipped ?? [],
      autopay_steps_done: current?.autopay_steps_done ?? [],
      paid: current?.paid ?? [],
      next_open_due: null,
    },
    today,
  );
}

/** Re-state a stored bill as a create body so a patch can be checked like a create. */
export function billAsInput(b: Bill): CreateBillBody & { tracked_from: string } {
  const fmt = (m: number | null) => (m === null ? null : minorToDecimal(m, b.currency));
  return {
    name: b.name,
    payee: b.payee,
    currency: b.currency,
    amount: fmt(b.amount_minor),
    min_amount: fmt(b.min_minor),
    max_amount: fmt(b.max_minor),
    cadence: b.cadence,
    interval: b.cadence.startsWith("every_n_") || b.cadence === "yearly" ? b.interval : undefined,
    anchor_date: b.anchor_date,
    day_of_month: b.day_of_month,
    second_day_of_month: b.second_day_of_month,
    weekend_adjustment: b.weekend_adjustment,
    autopay: b.autopay,
    status: b.status,
    notes: b.notes,
    grace_days: b.grace_days,
    tracked_from: b.tracked_from,
  };
}

const minorToDecimal = (amount_minor: number, currency: string) => formatMoney({ amount_minor, currency });

/** The schedule part of a bill. */
export const scheduleOf = (b: Bill): Schedule => b;

/** Expected amount of one occurrence: the fixed amount or the middle of the variable range. */
export function expectedMinor(b: Bill): number {
  if (b.amount_minor !== null) return b.amount_minor;
  if (b.min_minor !== null && b.max_minor !== null) return Math.round((b.min_minor + b.max_minor) / 2);
  return b.max_minor ?? b.min_minor ?? 0;
}

const shortHash = (...parts: string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 40);

/** Deterministic payment id for a bill and client key: a retried post finds the first record. */
export const paymentId = (billId: string, clientKey: string) => `pay_${shortHash(billId, clientKey)}`;
/** Deterministic reminder id: one per bill, occurrence and lead time. */
export const reminderId = (billId: string, nominal: string, leadDays: number) =>
  `rem_${shortHash(billId, nominal, String(leadDays))}`;

/**
 * Nominal dates the payments ledger settled for one bill. Only writes read it (under the bill's
 * lock); summaries use the bill's own `paid` list, which each payment write brings in step.
 */
async function ledgerPaid(ctx: BillsContext, billId: string): Promise<string[]> {
  const paid = new Set<string>();
  for await (const p of ctx.storage.payments.iterate({ where: { bill_id: billId } })) paid.add(p.occurrence);
  return [...paid].sort();
}

/** Bring the bill's `paid` list (and so its due-date key) in step with the payments ledger. */
async function syncPaid(ctx: BillsContext, billId: string): Promise<void> {
  const paid = await ledgerPaid(ctx, billId);
  const today = todayOf(ctx);
  const cur = await ctx.storage.bills.require(billId);
  if (cur.paid.join() === paid.join()) return;
  await ctx.storage.bills.update(billId, (b) => withDueIndex({ ...b, paid }, today));
}

const obligation = (b: Stored<Bill>, o: Occurrence, today: string): BillObligation => ({
  bill_id: b.id,
  name: b.name,
  payee: b.payee,
  nominal_date: o.nominal,
  due_date: o.due,
  days_until: daysBetween(today, o.due),
  amount_minor: b.amount_minor,
  min_minor: b.min_minor,
  max_minor: b.max_minor,
  expected_minor: expectedMinor(b),
  currency: b.currency,
  autopay: b.autopay,
});

async function* activeBills(ctx: BillsContext) {
  yield* ctx.storage.bills.iterate({ where: { status: "active" }, order: "asc" });
}

/**
 * Open occurrences of active bills due from today through `days` ahead, soonest first, at most
 * `limit`; `more` tells whether the window holds others.
 */
export async function upcomingPage(
  ctx: BillsContext,
  opts: { days: number; limit: number },
): Promise<{ items: BillObligation[]; more: boolean }> {
  const today = todayOf(ctx);
  // Reads only the bills due in the window; cached per write generation, day and query on top.
  const page = await cachedSummary(
    ctx,
    `upcoming:${today}:${opts.days}:${opts.limit}`,
    (p) => p.items.length,
    async () => {
      const { items, more } = await openInWindow(ctx, today, addDays(today, opts.days), opts.limit);
      return { items: items.map((i) => obligation(i.bill, i.occurrence, today)), more };
    },
  );
  return { items: [...page.items], more: page.more };
}

/** Open occurrences of active bills due from today through `days` ahead, soonest first. */
export async function upcoming(
  ctx: BillsContext,
  opts: { days: number; limit: number },
): Promise<BillObligation[]> {
  return (await upcomingPage(ctx, opts)).items;
}

/** Unpaid, unskipped occurrences past their grace period (looking back at most `lookbackDays`). */
export async function missed(ctx: BillsContext, opts: { lookbackDays: number }) {
  const cfg = configOf(ctx);
  const today = todayOf(ctx);
  const out: (BillObligation & { grace_days: number; days_overdue: number })[] = [];
  for await (const b of activeBills(ctx)) {
    const grace = b.grace_days ?? cfg.grace_days;
    const from = [b.tracked_from, addDays(today, -opts.lookbackDays)].sort()[1]!;
    const to = addDays(today, -grace - 1);
    for (const o of openBetween(b, from, to))
      out.push({ ...obligation(b, o, today), grace_days: grace, days_overdue: daysBetween(o.due, today) });
  }
  return out.sort((p, q) => (p.due_date < q.due_date ? -1 : p.due_date > q.due_date ? 1 : 0));
}

/**
 * Record a payment against the nearest open occurrence. The id derives from bill and client key,
 * so a retried post returns the first payment (`created: false`) instead of paying twice.
 */
export async function recordPayment(
  ctx: BillsContext,
  billId: string,
  input: {
    amount: string;
    currency?: string | undefined;
    date: string;
    client_key: string;
    notes: string | null;
  },
): Promise<{ payment: Stored<Payment>; created: boolean }> {
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
  // One payment at a time per bill, so two keys never settle the same occurrence.
  return ctx.locks.withLock(`bill:${bill.id}`, 10_000, () =>
    afterWrite(ctx, async () => {
      const prior = await ctx.storage.payments.get(id);
      if (prior) {
        // A retry also repairs a bill whose `paid` update was lost after the payment committed.
        await syncPaid(ctx, bill.id);
        return { payment: sameOrConflict(prior, amount_minor, input.date), created: false };
      }
      // The ledger, not the bill's copy, decides what is still open: it is the source of truth.
      const current = { ...(await ctx.storage.bills.require(bill.id)), paid: await ledgerPaid(ctx, bill.id) };
      const open = openBetween(current, addDays(input.date, -400), addDays(input.date, 400));
      const nearest = open.sort(
        (p, q) =>
          Math.abs(daysBetween(input.date, p.due)) - Math.abs(daysBetween(input.date, q.due)) ||
          (p.due < q.due ? -1 : 1),
      )[0];
      if (!nearest)
        throw new ProblemError(
          409,
          "no-open-occurrence",
          `Bill '${bill.id}' has no open occurrence near ${input.date}`,
        );
      try {
        const payment = await ctx.storage.payments.create(
          {
            bill_id: bill.id,
            occurrence: nearest.nominal,
            due_date: nearest.due,
            amount_minor,
            currency,
            paid_on: input.date,
            client_key: input.client_key,
            notes: input.notes,
          },
          { id },
        );
        await syncPaid(ctx, bill.id);
        return { payment, created: true };
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        await syncPaid(ctx, bill.id);
        return {
          payment: sameOrConflict(await ctx.storage.payments.require(id), amount_minor, input.date),
          created: false,
        };
      }
    }),
  );
}

function sameOrConflict(prior: Stored<Payment>, amount: number, date: string): Stored<Payment> {
  if (prior.amount_minor === amount && prior.paid_on === date) return prior;
  throw new ProblemError(
    422,
    "idempotency-key-reused",
    `client_key '${prior.client_key}' was already used for a different payment (${prior.paid_on}, ${prior.amount_minor} minor units)`,
    {
      errors: [{ pointer: "/body/client_key", field: "client_key", message: "was used for another payment" }],
    },
  );
}

/** Skip one occurrence by its nominal date (idempotent). */
export async function skipOccurrence(ctx: BillsContext, billId: string, date: string, ifRev?: number) {
  const bill = await ctx.storage.bills.require(billId);
  if (!isNominalDate(scheduleOf(bill), date))
    throw new ProblemError(422, "not-an-occurrence", `${date} is not a due date of bill '${bill.id}'`, {
      errors: [{ pointer: "/body/date", field: "date", message: "is not a nominal due date of this bill" }],
    });
  const today = todayOf(ctx);
  return billWrite(ctx, async () => {
    let before: Stored<Bill> = bill;
    const after = await ctx.storage.bills.update(
      billId,
      (cur) => {
        before = cur;
        return cur.skipped.includes(date)
          ? cur
          : withDueIndex({ ...cur, skipped: [...cur.skipped, date].sort() }, today);
      },
      { ifRev },
    );
    return { before, after };
  });
}

/**
 * Create reminders for open occurrences due within `daysAhead` days. Ids are deterministic per
 * bill, occurrence and lead time, so running again (or on another replica) creates nothing new.
 */
export async function pushReminders(ctx: BillsContext, daysAhead: number) {
  const today = todayOf(ctx);
  const created: Stored<Reminder>[] = [];
  let existing = 0;
  for (const { bill: b, occurrence: o } of (await openInWindow(ctx, today, addDays(today, daysAhead)))
    .items) {
    try {
      created.push(
        await ctx.storage.reminders.create(
          {
            bill_id: b.id,
            bill_name: b.name,
            payee: b.payee,
            occurrence: o.nominal,
            due_date: o.due,
            lead_days: daysAhead,
            amount_minor: b.amount_minor ?? expectedMinor(b),
            currency: b.currency,
            autopay: b.autopay,
            created_on: today,
          },
          { id: reminderId(b.id, o.nominal, daysAhead) },
        ),
      );
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      existing++;
    }
  }
  return { as_of: today, days_ahead: daysAhead, created: created.length, existing, reminders: created };
}

/** Reminders created on or after `since`, oldest first. */
export async function remindersSince(ctx: BillsContext, since: string): Promise<Stored<Reminder>[]> {
  const out: Stored<Reminder>[] = [];
  for await (const r of ctx.storage.reminders.iterate({ order: "asc" }))
    if (r.created_on >= since) out.push(r);
  return out.sort((p, q) =>
    p.created_on === q.created_on ? (p.due_date < q.due_date ? -1 : 1) : p.created_on < q.created_on ? -1 : 1,
  );
}

/**
 * Expected bill outflow of a month (`YYYY-MM`) per currency over every active bill, with the
 * first `limit` occurrences (default 100, at most 5000) soonest first and `items_total`.
 */
export async function monthlyEstimate(ctx: BillsContext, month: string, limit = 100): Promise<BillsEstimate> {
  return readEstimate(ctx, month, Math.min(Math.max(1, limit), 5000), expectedMinor);
}

/** A bill write that can change what a month's estimate holds (create, patch, skip). */
export function billWrite(
  ctx: BillsContext,
  write: () => Promise<{ before: Stored<Bill> | null; after: Stored<Bill> }>,
): Promise<Stored<Bill>> {
  return afterWrite(ctx, () => estimatedWrite(ctx, write, expectedMinor));
}

/** The seed's 7-step autopay set-up checklist for one bill, with what is done so far. */
export async function autopayChecklist(ctx: BillsContext, bill: Stored<Bill>) {
  const today = todayOf(ctx);
  const [next] = openBetween(bill, today, addDays(today, 800));
  const amountText =
    bill.amount_minor !== null
      ? `${minorToDecimal(bill.amount_minor, bill.currency)} ${bill.currency}`
      : `the statement balance (expected ${minorToDecimal(expectedMinor(bill), bill.currency)} ${bill.currency})`;
  const buffer = bill.amount_minor ?? bill.max_minor ?? expectedMinor(bill);
  const text: Record<(typeof AUTOPAY_STEPS)[number], string> = {
    log_in: `Log in to your bank or ${bill.payee}'s portal`,
    add_payee: `Add ${bill.payee} as a payee`,
    set_amount: `Set the amount to ${amountText}`,
    set_frequency: `Set the frequency to ${describeCadence(scheduleOf(bill))}`,
    set_start_date: next ? `Set the start date to ${next.due}` : "Set the start date to the next due date",
    enable_alerts: "Turn on payment and failure alerts",
    keep_buffer: `Keep at least ${minorToDecimal(buffer, bill.currency)} ${bill.currency} in the paying account before each due date`,
  };
  const steps = AUTOPAY_STEPS.map((step, i) => ({
    n: i + 1,
    step,
    text: text[step],
    done: bill.autopay_steps_done.includes(step),
  }));
  return { bill_id: bill.id, autopay: bill.autopay, complete: steps.every((s) => s.done), steps };
}

/** Bill with its next open occurrence and a plain-words cadence. */
export async function billView(ctx: BillsContext, bill: Stored<Bill>) {
  const today = todayOf(ctx);
  const next = openBetween(bill, today, addDays(today, 800))[0] ?? null;
  return { ...bill, cadence_text: describeCadence(scheduleOf(bill)), next_due: next };
}
