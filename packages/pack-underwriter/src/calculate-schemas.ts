import { currency } from "@valhalla/runtime";
import * as v from "valibot";
import { CONDITIONS } from "./calculators/arv-comps.js";
import { baths, beds, nonNegativeMoney, rateString, sqft } from "./schemas.js";

/**
 * Request and response schemas of `POST /underwriter/calculate/:kind`: amounts are decimal strings
 * in `currency`, rates are decimal-fraction strings, periodic amounts are named by their period.
 * @module
 */

const money = v.optional(nonNegativeMoney);
const rate = v.optional(rateString);
const cur = { currency: v.optional(currency, "USD") };
const months = (min: number, max: number) =>
  v.pipe(
    v.number("must be a number"),
    v.integer("must be a whole number"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
const described = <S extends v.GenericSchema>(s: S, description: string) =>
  v.pipe(s, v.description(description));

/** `POST /underwriter/calculate/amortization` body. */
export const AmortizationBody = v.strictObject({
  ...cur,
  principal: nonNegativeMoney,
  annual_rate: described(rateString, "Nominal annual rate, compounded monthly"),
  term_months: months(1, 600),
});

/** `POST /underwriter/calculate/flip` body. */
export const FlipBody = v.strictObject({
  ...cur,
  purchase_price: nonNegativeMoney,
  rehab: nonNegativeMoney,
  sale_price: described(nonNegativeMoney, "Expected sale price (ARV)"),
  purchase_closing: money,
  purchase_financed_rate: v.optional(described(rateString, 'Share of the purchase financed (default "0")')),
  rehab_financed_rate: v.optional(described(rateString, 'Share of the rehab financed (default "0")')),
  interest_rate: v.optional(described(rateString, "Annual rate, interest-only over the holding months")),
  points_rate: v.optional(described(rateString, "Origination points as a share of the loan")),
  holding_months: v.optional(months(0, 120)),
  holding_costs_monthly: v.optional(
    described(nonNegativeMoney, "Taxes, insurance, utilities per month held (not loan interest)"),
  ),
  selling_cost_rate: v.optional(described(rateString, 'Commissions and seller closing (default "0.08")')),
});

const condition = v.picklist(CONDITIONS, `must be one of ${CONDITIONS.join(", ")}`);
const Facts = { sqft, beds, baths, condition };

/** `POST /underwriter/calculate/arv-comps` body. */
export const ArvCompsBody = v.strictObject({
  ...cur,
  subject: v.strictObject(Facts),
  comps: v.pipe(
    v.array(
      v.strictObject({
        label: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(200)))),
        sale_price: nonNegativeMoney,
        ...Facts,
      }),
    ),
    v.minLength(1, "must list at least one comparable sale"),
    v.maxLength(50, "must list at most 50 comparable sales"),
  ),
  per_sqft: v.optional(described(nonNegativeMoney, "Value of one square foot of difference (default 0)")),
  per_bed: v.optional(described(nonNegativeMoney, "Value of one bedroom (default 0)")),
  per_bath: v.optional(
    described(nonNegativeMoney, "Value of one full bath; a half bath counts half (default 0)"),
  ),
  per_condition_step: v.optional(
    described(
      nonNegativeMoney,
      "Value of one condition step, poor < fair < average < good < excellent (default 0)",
    ),
  ),
});

/** `POST /underwriter/calculate/mao` body. */
export const MaoCalcBody = v.strictObject({
  ...cur,
  arv: nonNegativeMoney,
  repairs: nonNegativeMoney,
  fee: money,
  k: rate,
});

/** `POST /underwriter/calculate/rental` body: periodic amounts named by their period. */
export const RentalCalcBody = v.strictObject({
  ...cur,
  purchase_price: nonNegativeMoney,
  rent_monthly: nonNegativeMoney,
  other_income_monthly: money,
  vacancy_rate: rate,
  operating_expenses_monthly: v.optional(
    described(nonNegativeMoney, "Taxes, insurance, maintenance, utilities, HOA per month (no debt service)"),
  ),
  management_rate: rate,
  closing: money,
  repairs: money,
  down_payment_rate: rate,
  interest_rate: rate,
  term_months: v.optional(months(1, 600)),
});

const minor = v.number();
const ratio = v.nullable(v.string());

/** The response envelope of every calculator: what it used, what it found and how. */
export const calcResponse = <O extends v.GenericSchema>(kind: string, outputs: O) =>
  v.object({
    kind: v.literal(kind),
    currency: v.string(),
    inputs: v.record(v.string(), v.unknown()),
    outputs,
    formula: v.string(),
  });

/** Outputs of `amortization`. */
export const AmortizationOutputs = v.object({
  monthly_payment_minor: minor,
  final_payment_minor: minor,
  total_paid_minor: minor,
  total_interest_minor: minor,
  schedule: v.array(
    v.object({
      period: v.number(),
      payment_minor: minor,
      interest_minor: minor,
      principal_minor: minor,
      balance_minor: minor,
    }),
  ),
});

/** Outputs of `flip`. */
export const FlipOutputs = v.object({
  loan_minor: minor,
  down_payment_minor: minor,
  points_minor: minor,
  interest_minor: minor,
  holding_costs_minor: minor,
  selling_costs_minor: minor,
  total_cost_minor: minor,
  profit_minor: minor,
  cash_invested_minor: minor,
  roi: ratio,
  annualized_roi: ratio,
  profit_margin: ratio,
});

/** Outputs of `arv-comps`. */
export const ArvCompsOutputs = v.object({
  arv_minor: minor,
  low_minor: minor,
  high_minor: minor,
  median_minor: minor,
  comps: v.array(
    v.object({
      label: v.nullable(v.string()),
      sale_price_minor: minor,
      size_adjustment_minor: minor,
      beds_adjustment_minor: minor,
      baths_adjustment_minor: minor,
      condition_adjustment_minor: minor,
      net_adjustment_minor: minor,
      net_adjustment_ratio: ratio,
      adjusted_price_minor: minor,
    }),
  ),
});

/** Outputs of `mao`. */
export const MaoOutputs = v.object({ arv_times_k_minor: minor, mao_minor: minor, viable: v.boolean() });
