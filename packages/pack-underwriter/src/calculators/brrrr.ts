import { type CalcResult, ROUNDING_NOTE } from "./calc-result.js";
import { assertMinor, mulRate, parseRate } from "./money-math.js";

/** Inputs of the BRRRR calculator (money in minor units). @public */
export interface BrrrrInput {
  readonly arv_minor: number;
  readonly repairs_minor: number;
  /** Purchase closing costs. @default 0 */
  readonly closing_minor?: number;
  /** Holding costs until the refinance (interest, taxes, insurance, utilities). @default 0 */
  readonly holding_minor?: number;
  /** Safety margin kept out of the offer. @default 0 */
  readonly buffer_minor?: number;
  /** Refinance loan-to-value as a decimal string. @default "0.75" */
  readonly ltv?: string;
  /** Price actually paid; defaults to the computed maximum offer. */
  readonly purchase_price_minor?: number;
}

/** Outputs of the BRRRR calculator. @public */
export interface BrrrrOutput {
  /** Refinance loan: ARV × LTV. */
  readonly refinance_loan_minor: number;
  /** Highest purchase price that lets the refinance return all cash but the buffer. */
  readonly max_offer_minor: number;
  readonly purchase_price_minor: number;
  /** Purchase + repairs + closing + holding. */
  readonly all_in_minor: number;
  /** Cash still tied up after the refinance (0 when the refinance returns everything). */
  readonly cash_left_in_deal_minor: number;
  /** Cash the refinance returns beyond everything put in (0 when cash is left in). */
  readonly cash_out_minor: number;
}

/**
 * BRRRR (buy, rehab, rent, refinance, repeat): `max offer = ARV × LTV − repairs − closing − holding − buffer`
 * and the cash left in the deal after the refinance.
 * @example brrrr({ arv_minor: 20_000_000, repairs_minor: 3_000_000 }).outputs.max_offer_minor // 12_000_000
 * @throws RangeError naming the offending input
 * @public
 */
export function brrrr(
  input: BrrrrInput,
): CalcResult<BrrrrInput & Required<Omit<BrrrrInput, "purchase_price_minor">>, BrrrrOutput> {
  const inputs = {
    arv_minor: assertMinor(input.arv_minor, "arv_minor", { min: 0 }),
    repairs_minor: assertMinor(input.repairs_minor, "repairs_minor", { min: 0 }),
    closing_minor: assertMinor(input.closing_minor ?? 0, "closing_minor", { min: 0 }),
    holding_minor: assertMinor(input.holding_minor ?? 0, "holding_minor", { min: 0 }),
    buffer_minor: assertMinor(input.buffer_minor ?? 0, "buffer_minor", { min: 0 }),
    ltv: input.ltv ?? "0.75",
    ...(input.purchase_price_minor !== undefined
      ? { purchase_price_minor: assertMinor(input.purchase_price_minor, "purchase_price_minor", { min: 0 }) }
      : {}),
  };
  const ltv = parseRate(inputs.ltv, "ltv");
  if (ltv.num > ltv.den) throw new RangeError("'ltv' must be at most 1");
  const loan = mulRate(inputs.arv_minor, ltv, "refinance_loan_minor");
  const costs = inputs.repairs_minor + inputs.closing_minor + inputs.holding_minor;
  const maxOffer = loan - costs - inputs.buffer_minor;
  const price = inputs.purchase_price_minor ?? maxOffer;
  const allIn = price + costs;
  return {
    inputs,
    outputs: {
      refinance_loan_minor: loan,
      max_offer_minor: maxOffer,
      purchase_price_minor: price,
      all_in_minor: allIn,
      cash_left_in_deal_minor: Math.max(0, allIn - loan),
      cash_out_minor: Math.max(0, loan - allIn),
    },
    formula:
      "max offer = ARV × LTV − repairs − closing − holding − buffer; all-in = purchase + repairs + closing + holding; " +
      `cash left in deal = max(0, all-in − ARV × LTV); purchase defaults to the max offer; ${ROUNDING_NOTE}`,
  };
}
