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
import { expectedMinor, formatAmount } from "./amount-due.js";
import { configOf } from "./config-of.js";
import { describeCadence, isNominalDate, type Occurrence, type Schedule } from "./due-dates.js";
import { indexConfig, openBetween, openInWindow, overdueItems, withDueIndex } from "./due-index.js";
import { estimatedWrite, readEstimate } from "./estimate.js";
import { graceOf, occurrenceStatus, type StatusSettings } from "./occurrence-status.js";
import type { BillObligation, BillsEstimate } from "./refs.js";
import { AUTOPAY_STEPS, type Bill, type CreateBillBody, type Reminder } from "./schemas.js";
import type { BillsContext } from "./storage.js";
import { afterWrite, cachedSummary } from "./summary-cache.js";

export { expectedMinor } from "./amount-due.js";
export { configOf } from "./config-of.js";

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
  settings: StatusSettings,
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
      // A changed amount re-decides which occurrences the recorded payments settle.
      ...(current?.paid_by_occurrence ? { paid_by_occurrence: current.paid_by_occurrence } : {}),
      variable_paid_at: body.variable_paid_at,
    },
    today,
    settings,
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
    variable_paid_at: b.variable_paid_at ?? null,
  };
}

const minorToDecimal = (amount_minor: number, currency: string) => formatMoney({ amount_minor, currency });

/** The schedule part of a bill. */
export const scheduleOf = (b: Bill): Schedule => b;

const shortHash = (...parts: string[]) =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 40);

/** Deterministic payment id for a bill and client key: a retried post finds the first record. */
export const paymentId = (billId: string, clientKey: string) => `pay_${shortHash(billId, clientKey)}`;
/** Deterministic reminder id: one per bill, occurrence and lead time. */
export const reminderId = (billId: string, nominal: string, leadDays: number) =>
  `rem_${shortHash(billId, nominal, String(leadDays))}`;

const obligation = (
  b: Stored<Bill>,
  o: Occurrence,
  today: string,
  settings: StatusSettings,
): BillObligation => {
  const { status, settlement } = occurrenceStatus(b, o, today, settings);
  return {
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
    status,
    paid_minor: settlement.paid_minor,
    remaining_minor: settlement.remaining_minor,
  };
};

/** An overdue or missed occurrence: with its grace period and how late it is. */
export type LateObligation = BillObligation & {
  grace_days: number;
  /** Last day of the grace period: the day after it, an unpaid occurrence is missed. */
  grace_until: string;
  days_overdue: number;
};

const late = (b: Stored<Bill>, o: Occurrence, today: string, settings: StatusSettings): LateObligation => {
  const grace = graceOf(b, settings);
  return {
    ...obligation(b, o, today, settings),
    grace_days: grace,
    grace_until: addDays(o.due, grace),
    days_overdue: daysBetween(o.due, today),
  };
};

/** A brief line for people: name, date and the amount still owed, formatted ("1,500.00 USD"). */
export function obligationLabel(o: BillObligation, when: string): string {
  const owed =
    o.status === "partly_paid"
      ? `${formatAmount(o.remaining_minor, o.currency)} of ${formatAmount(o.paid_minor + o.remaining_minor, o.currency)} left`
      : formatAmount(o.amount_minor ?? o.expected_minor, o.currency);
  return `${o.name} ${when} — ${owed}`;
}

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
    // The config is part of the key: another host on this store may run with other settings.
    `upcoming:${today}:${opts.days}:${opts.limit}:${indexConfig(configOf(ctx))}`,
    (p) => p.items.length,
    async () => {
      const { items, more } = await openInWindow(ctx, today, addDays(today, opts.days), opts.limit);
      const settings = configOf(ctx);
      return { items: items.map((i) => obligation(i.bill, i.occurrence, today, settings)), more };
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

/**
 * Tracked occurrences not paid in full past their grace period (looking back at most
 * `lookbackDays`); partly paid ones keep status `partly_paid` and show what remains.
 */
export async function missed(ctx: BillsContext, opts: { lookbackDays: number }): Promise<LateObligation[]> {
  const cfg = configOf(ctx);
  const today = todayOf(ctx);
  const out: LateObligation[] = [];
  for await (const b of activeBills(ctx)) {
    const grace = graceOf(b, cfg);
    const from = [b.tracked_from, addDays(today, -opts.lookbackDays)].sort()[1]!;
    const to = addDays(today, -grace - 1);
    for (const o of openBetween(b, from, to)) out.push(late(b, o, today, cfg));
  }
  return out.sort((p, q) => (p.due_date < q.due_date ? -1 : p.due_date > q.due_date ? 1 : 0));
}

/**
 * Tracked occurrences past due but within their grace period and not paid in full, oldest
 * first: the ones a reminder matters most for. Reads only the bills keyed as overdue.
 */
export async function overdue(ctx: BillsContext): Promise<LateObligation[]> {
  const today = todayOf(ctx);
  const items = await cachedSummary(
    ctx,
    `overdue:${today}:${indexConfig(configOf(ctx))}`,
    (list) => list.length,
    async () => {
      const settings = configOf(ctx);
      return (await overdueItems(ctx, today)).map((i) => late(i.bill, i.occurrence, today, settings));
    },
  );
  return [...items];
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
          : withDueIndex({ ...cur, skipped: [...cur.skipped, date].sort() }, today, configOf(ctx));
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
  return readEstimate(ctx, month, Math.min(Math.max(1, limit), 5000));
}

/** A bill write that can change what a month's estimate holds (create, patch, skip). */
export function billWrite(
  ctx: BillsContext,
  write: () => Promise<{ before: Stored<Bill> | null; after: Stored<Bill> }>,
): Promise<Stored<Bill>> {
  return afterWrite(ctx, () => estimatedWrite(ctx, write));
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
  return Object.assign({}, bill, { cadence_text: describeCadence(scheduleOf(bill)), next_due: next });
}
