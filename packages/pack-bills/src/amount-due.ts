import { formatMoney } from "@valhalla/runtime";
import type { Bill, VariablePaidAt } from "./schemas.js";

/** The fixed amount, or the middle of a variable bill's range (what estimates count). */
export function expectedMinor(b: Bill): number {
  if (b.amount_minor !== null) return b.amount_minor;
  if (b.min_minor !== null && b.max_minor !== null) return Math.round((b.min_minor + b.max_minor) / 2);
  return b.max_minor ?? b.min_minor ?? 0;
}

/**
 * What the payments of one occurrence must reach for it to count as paid: a fixed bill's amount;
 * for a variable bill its minimum (0 when it has none: any payment settles it) or, with
 * `variable_paid_at: "expected"`, its expected amount.
 */
export function amountDueMinor(b: Bill, variablePaidAt: VariablePaidAt): number {
  if (b.amount_minor !== null) return b.amount_minor;
  return variablePaidAt === "expected" ? expectedMinor(b) : (b.min_minor ?? 0);
}

/** Above this, an occurrence is overpaid: the fixed amount or the top of the range (none when open-ended). */
export function ceilingMinor(b: Bill): number | null {
  return b.amount_minor ?? b.max_minor;
}

/**
 * An amount for people to read: grouped thousands and the currency code, e.g. `"1,500.00 USD"`
 * for 150000 minor units of USD.
 *
 * @example formatAmount(150000, "USD") // "1,500.00 USD"
 * @public
 */
export function formatAmount(amountMinor: number, currency: string): string {
  const plain = formatMoney({ amount_minor: amountMinor, currency });
  const [whole = "", frac] = plain.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${plain.startsWith("-") ? "-" : ""}${grouped}${frac === undefined ? "" : `.${frac}`} ${currency}`;
}
