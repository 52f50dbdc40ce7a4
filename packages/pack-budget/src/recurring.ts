import { addDays, daysBetween, type Stored } from "@valhalla/runtime";
import type { Transaction } from "./schemas.js";
import type { BudgetContext } from "./storage.js";

/** Cadences a recurring payee may follow, with the interval range (days) each accepts. */
const CADENCES = [
  { cadence: "weekly", min: 6, max: 8 },
  { cadence: "biweekly", min: 12, max: 16 },
  { cadence: "monthly", min: 26, max: 35 },
  { cadence: "quarterly", min: 84, max: 98 },
  { cadence: "yearly", min: 355, max: 375 },
] as const;

/** Share of the median amount the amounts may stray by and still count as stable. */
const AMOUNT_TOLERANCE = 0.1;
const MIN_OCCURRENCES = 3;

/** A payee that looks recurring: same payee, regular interval, stable amount. */
export interface RecurringSuggestion {
  readonly payee: string;
  readonly kind: "income" | "expense";
  readonly account_id: string;
  readonly cadence: (typeof CADENCES)[number]["cadence"];
  readonly interval_days: number;
  readonly occurrences: number;
  readonly amount_minor: number;
  readonly min_minor: number;
  readonly max_minor: number;
  readonly currency: string;
  readonly last_date: string;
  readonly next_expected: string;
  readonly bucket_id: string | null;
  readonly category: string | null;
  readonly entry_ids: string[];
}

/** Payee text with card numbers, dates and references removed, so one merchant's lines group together. */
export const payeeKey = (payee: string | null): string =>
  (payee ?? "")
    .toLowerCase()
    .replace(/[^a-z]+/g, " ")
    .replace(/\b[a-z]\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : Math.round(((s[mid - 1] as number) + (s[mid] as number)) / 2);
};

function suggest(accountId: string, entries: Stored<Transaction>[]): RecurringSuggestion | null {
  if (entries.length < MIN_OCCURRENCES) return null;
  const sorted = [...entries].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const gaps = sorted.slice(1).map((e, i) => daysBetween((sorted[i] as Stored<Transaction>).date, e.date));
  const fit = CADENCES.find((c) => gaps.every((g) => g >= c.min && g <= c.max));
  if (!fit) return null;
  const amounts = sorted.map((e) => e.amount_minor);
  const mid = median(amounts);
  const min = Math.min(...amounts);
  const max = Math.max(...amounts);
  if (max - min > mid * AMOUNT_TOLERANCE) return null;
  const last = sorted[sorted.length - 1] as Stored<Transaction>;
  const interval = median(gaps);
  return {
    payee: last.payee ?? "",
    kind: last.kind as "income" | "expense",
    account_id: accountId,
    cadence: fit.cadence,
    interval_days: interval,
    occurrences: sorted.length,
    amount_minor: mid,
    min_minor: min,
    max_minor: max,
    currency: last.currency,
    last_date: last.date,
    next_expected: addDays(last.date, interval),
    bucket_id: last.bucket_id,
    category: last.category,
    entry_ids: sorted.map((e) => e.id),
  };
}

/**
 * Recurring payees among imported entries since `since`: grouped by account, kind and payee (with
 * numbers and references stripped), at least three occurrences whose every gap fits one cadence
 * and whose amounts stay within 10 % of their median. Voided entries are left out. Reads the
 * accounts' ledgers through their index.
 */
export async function recurringSuggestions(
  ctx: BudgetContext,
  since: string,
  accountId?: string,
): Promise<RecurringSuggestion[]> {
  const out: RecurringSuggestion[] = [];
  const accounts: string[] = [];
  if (accountId) accounts.push((await ctx.storage.accounts.require(accountId)).id);
  else for await (const a of ctx.storage.accounts.iterate({ order: "asc" })) accounts.push(a.id);
  for (const account of accounts) {
    const groups = new Map<string, Stored<Transaction>[]>();
    const voided = new Set<string>();
    for await (const e of ctx.storage.transactions.iterate({
      where: { account_id: account },
      order: "asc",
    })) {
      if (e.reverses !== null) voided.add(e.reverses);
      if (e.source !== "import" || e.reverses !== null || e.date < since) continue;
      if (e.kind !== "income" && e.kind !== "expense") continue;
      const key = `${e.kind}\u0000${payeeKey(e.payee)}`;
      if (payeeKey(e.payee) === "") continue;
      const list = groups.get(key);
      if (list) list.push(e);
      else groups.set(key, [e]);
    }
    for (const list of groups.values()) {
      const s = suggest(
        account,
        list.filter((e) => !voided.has(e.id)),
      );
      if (s) out.push(s);
    }
  }
  return out.sort((a, b) => b.occurrences - a.occurrences || (a.payee < b.payee ? -1 : 1));
}
