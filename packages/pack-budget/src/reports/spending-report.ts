import { formatMoney } from "@valhalla/runtime";
import { configOf, nextMonth } from "../service.js";
import type { BudgetContext } from "../storage.js";
import { cachedSummary } from "../summary-cache.js";

/** One month of the spending report, in the budget currency. */
export interface SpendingMonth {
  readonly month: string;
  readonly income_minor: number;
  readonly expense_minor: number;
  readonly net_minor: number;
  /** Expenses per bucket, reversals included; `bucket_id: null` is spending no bucket holds yet (the inbox). */
  readonly by_bucket: { bucket_id: string | null; name: string; spent_minor: number }[];
  /** Expenses per category; `category: null` is uncategorised. */
  readonly by_category: { category: string | null; spent_minor: number }[];
  /** Transfer legs seen in the month (not counted as income or expense). */
  readonly transfers: number;
}

/** The spending report over a range of months. */
export interface SpendingReport {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly months: SpendingMonth[];
  readonly totals: { income_minor: number; expense_minor: number; net_minor: number };
  /** Currencies of entries left out (not converted). */
  readonly other_currencies: string[];
}

const sorted = <K extends string | null>(m: Map<K, number>) =>
  [...m].sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));

async function reportMonth(
  ctx: BudgetContext,
  month: string,
  names: Map<string, string>,
  others: Set<string>,
) {
  const currency = configOf(ctx).currency;
  let income = 0;
  let expense = 0;
  let transfers = 0;
  const byBucket = new Map<string | null, number>();
  const byCategory = new Map<string | null, number>();
  for await (const e of ctx.storage.transactions.iterate({ where: { month }, order: "asc" })) {
    if (e.currency !== currency) {
      others.add(e.currency);
      continue;
    }
    if (e.kind === "income") income += e.amount_minor;
    else if (e.kind === "expense") {
      expense += e.amount_minor;
      byBucket.set(e.bucket_id, (byBucket.get(e.bucket_id) ?? 0) + e.amount_minor);
      byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + e.amount_minor);
    } else transfers++;
  }
  return {
    month,
    income_minor: income,
    expense_minor: expense,
    net_minor: income - expense,
    by_bucket: sorted(byBucket).map(([bucket_id, spent_minor]) => ({
      bucket_id,
      name: bucket_id === null ? "(no bucket)" : (names.get(bucket_id) ?? bucket_id),
      spent_minor,
    })),
    by_category: sorted(byCategory).map(([category, spent_minor]) => ({ category, spent_minor })),
    transfers,
  };
}

/**
 * Spending by bucket and category per month, and income against expense, read from the ledger
 * itself (each month's entries once), so it matches the ledger to the cent. Cached per write generation.
 */
export function spendingReport(ctx: BudgetContext, from: string, to: string): Promise<SpendingReport> {
  return cachedSummary(
    ctx,
    `report:spending:${from}:${to}`,
    (r) => r.months.length,
    async () => {
      const names = new Map<string, string>();
      for await (const b of ctx.storage.buckets.iterate()) names.set(b.id, b.name);
      const others = new Set<string>();
      const months: SpendingMonth[] = [];
      for (let m = from; m <= to; m = nextMonth(m)) months.push(await reportMonth(ctx, m, names, others));
      const income = months.reduce((s, m) => s + m.income_minor, 0);
      const expense = months.reduce((s, m) => s + m.expense_minor, 0);
      return {
        from,
        to,
        currency: configOf(ctx).currency,
        months,
        totals: { income_minor: income, expense_minor: expense, net_minor: income - expense },
        other_currencies: [...others].sort(),
      };
    },
  );
}

const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The report as CSV: one row per month and figure (`income`, `expense`, `net`, `bucket`, `category`),
 * amounts as decimal strings.
 * @example spendingCsv(report) // "month,section,key,name,amount\r\n2026-01,income,,,2500.00\r\n…"
 */
export function spendingCsv(r: SpendingReport): string {
  const money = (minor: number) => formatMoney({ amount_minor: minor, currency: r.currency });
  const rows: string[][] = [["month", "section", "key", "name", "amount"]];
  for (const m of r.months) {
    rows.push([m.month, "income", "", "", money(m.income_minor)]);
    rows.push([m.month, "expense", "", "", money(m.expense_minor)]);
    rows.push([m.month, "net", "", "", money(m.net_minor)]);
    for (const b of m.by_bucket)
      rows.push([m.month, "bucket", b.bucket_id ?? "", b.name, money(b.spent_minor)]);
    for (const c of m.by_category)
      rows.push([
        m.month,
        "category",
        c.category ?? "",
        c.category ?? "(uncategorised)",
        money(c.spent_minor),
      ]);
  }
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}
