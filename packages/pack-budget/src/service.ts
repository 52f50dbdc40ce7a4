import { MoneyError, ProblemError, parseMoney, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import { BudgetConfig, DEFAULT_CATEGORIES, type HouseBudget } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

/** The pack's config with defaults applied. */
export function configOf(ctx: Pick<BudgetContext, "config">): BudgetConfig {
  return v.parse(BudgetConfig, ctx.config);
}

/** Today in the host's time zone. */
export const todayOf = (ctx: Pick<BudgetContext, "timezone" | "now">): string =>
  todayIn(ctx.timezone, ctx.now());

/** This month (`YYYY-MM`) in the host's time zone. */
export const thisMonth = (ctx: Pick<BudgetContext, "timezone" | "now">): string => todayOf(ctx).slice(0, 7);

/** The month before `month`. */
export function prevMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** The month after `month`. */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** A problem naming one input field. */
export function fieldProblem(
  status: number,
  code: string,
  field: string,
  message: string,
  part = "body",
): ProblemError {
  return new ProblemError(status, code, `Invalid ${part}: '${field}' ${message}`, {
    errors: [{ pointer: `/${part}/${field}`, field, message }],
  });
}

/**
 * Parse a decimal amount in the budget currency, naming the field when it is malformed, too
 * precise, or below the allowed sign.
 */
export function moneyField(
  field: string,
  raw: string,
  currency: string,
  sign: "positive" | "non-negative" | "any" = "positive",
  part = "body",
): number {
  let amount: number;
  try {
    amount = parseMoney(raw, currency).amount_minor;
  } catch (err) {
    throw fieldProblem(
      400,
      "validation-failed",
      field,
      err instanceof MoneyError ? err.message : String(err),
      part,
    );
  }
  if (sign === "positive" && amount <= 0)
    throw fieldProblem(400, "validation-failed", field, "must be greater than zero", part);
  if (sign === "non-negative" && amount < 0)
    throw fieldProblem(400, "validation-failed", field, "must not be negative", part);
  return amount;
}

/** Refuse an amount in another currency than the budget's. */
export function requireBudgetCurrency(ctx: BudgetContext, given: string | undefined): string {
  const cur = configOf(ctx).currency;
  if (given !== undefined && given !== cur)
    throw fieldProblem(
      422,
      "currency-mismatch",
      "currency",
      `must be the budget currency ${cur}, not ${given}`,
    );
  return cur;
}

/** Every category slug: the seed's defaults plus custom ones. */
export async function categorySlugs(ctx: BudgetContext): Promise<Set<string>> {
  const out = new Set<string>(DEFAULT_CATEGORIES);
  for await (const c of ctx.storage.categories.iterate()) out.add(c.slug);
  return out;
}

/** Refuse a category outside the controlled list. */
export async function requireCategory(ctx: BudgetContext, field: string, slug: string | null | undefined) {
  if (slug === null || slug === undefined) return;
  if (!(await categorySlugs(ctx)).has(slug))
    throw fieldProblem(
      422,
      "unknown-category",
      field,
      `'${slug}' is not a category; see GET /budget/categories`,
    );
}

/** Refuse a bucket id that does not exist (422 naming the field). */
export async function requireBucket(ctx: BudgetContext, field: string, id: string) {
  const b = await ctx.storage.buckets.get(id);
  if (!b) throw fieldProblem(422, "unknown-bucket", field, `no bucket '${id}'`);
  return b;
}

const EMPTY_HOUSE: HouseBudget = { income_streams: [], buffer_target_minor: 0 };

/** The house budget (income streams and buffer target), empty until set. */
export async function houseOf(ctx: BudgetContext): Promise<HouseBudget> {
  const h = await ctx.storage.house.get("house");
  return h ? { income_streams: h.income_streams, buffer_target_minor: h.buffer_target_minor } : EMPTY_HOUSE;
}

/**
 * Where a new bucket starts when the caller does not say: the earliest month the ledger has entries
 * in that is after every closed month (its receipts can then be booked to the bucket), else this
 * month. Reads one totals and one closing record (both keyed by month, so the first by id is the
 * earliest).
 */
export async function defaultStartMonth(ctx: BudgetContext): Promise<string> {
  const now = thisMonth(ctx);
  const [first] = (await ctx.storage.totals.list({ order: "asc", limit: 1 })).items;
  const [closed] = (await ctx.storage.closings.list({ order: "desc", limit: 1 })).items;
  let start = first?.month ?? now;
  if (closed && closed.id.slice("close_".length) >= start)
    start = nextMonth(closed.id.slice("close_".length));
  // `YYYY-MM` strings sort as months do; never later than this month.
  return [start, now].sort()[0] as string;
}
