import { type CalcResult, ROUNDING_NOTE } from "./calc-result.js";
import { assertMinor, mulRate, parseRate, type Rate, ratioFixed, roundDiv, toSafe } from "./money-math.js";

/** Inputs of the fix-and-flip calculator (money in minor units, rates as fraction strings). @public */
export interface FlipInput {
  readonly purchase_price_minor: number;
  readonly rehab_minor: number;
  /** Expected sale price (the ARV). */
  readonly sale_price_minor: number;
  /** Buyer-side closing costs at purchase. @default 0 */
  readonly purchase_closing_minor?: number;
  /** Share of the purchase price the lender finances. @default "0" (all cash) */
  readonly purchase_financed_rate?: string;
  /** Share of the rehab budget the lender finances. @default "0" */
  readonly rehab_financed_rate?: string;
  /** Nominal annual interest rate on the loan, interest-only. @default "0" */
  readonly interest_rate?: string;
  /** Origination points as a share of the loan. @default "0" */
  readonly points_rate?: string;
  /** Months from purchase to sale. @default 6 */
  readonly holding_months?: number;
  /** Taxes, insurance, utilities and the like per month held (not loan interest). @default 0 */
  readonly holding_costs_monthly_minor?: number;
  /** Commissions and seller closing costs as a share of the sale price. @default "0.08" */
  readonly selling_cost_rate?: string;
}

/** Outputs of the fix-and-flip calculator; ratios are fraction strings with 4 places. @public */
export interface FlipOutput {
  readonly loan_minor: number;
  /** Purchase price + rehab not financed. */
  readonly down_payment_minor: number;
  readonly points_minor: number;
  readonly interest_minor: number;
  readonly holding_costs_minor: number;
  readonly selling_costs_minor: number;
  /** Purchase + rehab + closing + points + interest + holding + selling. */
  readonly total_cost_minor: number;
  readonly profit_minor: number;
  /** Cash out of pocket before the sale: down payment + closing + points + interest + holding. */
  readonly cash_invested_minor: number;
  /** Profit / cash invested; `null` when nothing was invested. */
  readonly roi: string | null;
  /** ROI × 12 / holding months (simple, not compounded); `null` for 0 months or no cash invested. */
  readonly annualized_roi: string | null;
  /** Profit / sale price; `null` for a zero sale price. */
  readonly profit_margin: string | null;
}

/**
 * Fix-and-flip profit and ROI with purchase and rehab financing: the loan is interest-only over
 * the holding months (`loan × rate × months / 12`, one rounding), points are paid at closing, and
 * selling costs come out of the sale.
 * @example flip({ purchase_price_minor: 10_000_000, rehab_minor: 3_000_000, sale_price_minor: 18_000_000 }).outputs.profit_minor
 * @throws RangeError naming the offending input
 * @public
 */
export function flip(input: FlipInput): CalcResult<Required<FlipInput>, FlipOutput> {
  const inputs = {
    purchase_price_minor: assertMinor(input.purchase_price_minor, "purchase_price_minor", { min: 0 }),
    rehab_minor: assertMinor(input.rehab_minor, "rehab_minor", { min: 0 }),
    sale_price_minor: assertMinor(input.sale_price_minor, "sale_price_minor", { min: 0 }),
    purchase_closing_minor: assertMinor(input.purchase_closing_minor ?? 0, "purchase_closing_minor", {
      min: 0,
    }),
    purchase_financed_rate: input.purchase_financed_rate ?? "0",
    rehab_financed_rate: input.rehab_financed_rate ?? "0",
    interest_rate: input.interest_rate ?? "0",
    points_rate: input.points_rate ?? "0",
    holding_months: input.holding_months ?? 6,
    holding_costs_monthly_minor: assertMinor(
      input.holding_costs_monthly_minor ?? 0,
      "holding_costs_monthly_minor",
      { min: 0 },
    ),
    selling_cost_rate: input.selling_cost_rate ?? "0.08",
  };
  const months = inputs.holding_months;
  if (!Number.isInteger(months) || months < 0 || months > 120) {
    throw new RangeError("'holding_months' must be a whole number from 0 to 120");
  }
  const financedPurchase = mulRate(
    inputs.purchase_price_minor,
    fraction(inputs.purchase_financed_rate, "purchase_financed_rate"),
  );
  const financedRehab = mulRate(
    inputs.rehab_minor,
    fraction(inputs.rehab_financed_rate, "rehab_financed_rate"),
  );
  const loan = financedPurchase + financedRehab;
  const points = mulRate(loan, fraction(inputs.points_rate, "points_rate"));
  const rate = fraction(inputs.interest_rate, "interest_rate");
  const interest = toSafe(
    roundDiv(BigInt(loan) * rate.num * BigInt(months), rate.den * 12n),
    "interest_minor",
  );
  const holding = inputs.holding_costs_monthly_minor * months;
  const selling = mulRate(inputs.sale_price_minor, fraction(inputs.selling_cost_rate, "selling_cost_rate"));
  const down = inputs.purchase_price_minor + inputs.rehab_minor - loan;
  const total =
    inputs.purchase_price_minor +
    inputs.rehab_minor +
    inputs.purchase_closing_minor +
    points +
    interest +
    holding +
    selling;
  const profit = inputs.sale_price_minor - total;
  const invested = down + inputs.purchase_closing_minor + points + interest + holding;
  const B = BigInt;
  return {
    inputs,
    outputs: {
      loan_minor: loan,
      down_payment_minor: down,
      points_minor: points,
      interest_minor: interest,
      holding_costs_minor: holding,
      selling_costs_minor: selling,
      total_cost_minor: total,
      profit_minor: profit,
      cash_invested_minor: invested,
      roi: invested > 0 ? ratioFixed(B(profit), B(invested), 4) : null,
      annualized_roi:
        invested > 0 && months > 0 ? ratioFixed(B(profit) * 12n, B(invested) * B(months), 4) : null,
      profit_margin:
        inputs.sale_price_minor > 0 ? ratioFixed(B(profit), B(inputs.sale_price_minor), 4) : null,
    },
    formula: [
      "loan = purchase × purchase financed + rehab × rehab financed; down payment = purchase + rehab − loan",
      "points = loan × points rate; interest = loan × annual rate × months / 12 (interest-only)",
      "holding = monthly holding costs × months; selling = sale price × selling cost rate",
      "total cost = purchase + rehab + closing + points + interest + holding + selling; profit = sale − total cost",
      "cash invested = down payment + closing + points + interest + holding; ROI = profit / cash invested",
      "annualized ROI = ROI × 12 / months; margin = profit / sale; ratios to 4 places, half away from zero",
      ROUNDING_NOTE,
    ].join("; "),
  };
}

function fraction(value: string, field: string): Rate {
  const r = parseRate(value, field);
  if (r.num > r.den) throw new RangeError(`'${field}' must be at most 1`);
  return r;
}
