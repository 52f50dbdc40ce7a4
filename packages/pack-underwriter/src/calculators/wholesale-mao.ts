import { type CalcResult, ROUNDING_NOTE } from "./calc-result.js";
import { assertMinor, mulRate, parseRate } from "./money-math.js";

/** Inputs of the wholesale MAO calculator (money in minor units). @public */
export interface WholesaleMaoInput {
  readonly arv_minor: number;
  readonly repairs_minor: number;
  /** Wholesale (assignment) fee to keep. @default 0 */
  readonly fee_minor?: number;
  /** Share of ARV an end buyer pays, as a decimal string. @default "0.70" */
  readonly k?: string;
}

/** Outputs of the wholesale MAO calculator. @public */
export interface WholesaleMaoOutput {
  /** ARV × k, rounded half away from zero. */
  readonly arv_times_k_minor: number;
  /** Maximum allowable offer; negative means the deal does not work at these numbers. */
  readonly mao_minor: number;
  readonly viable: boolean;
}

/**
 * Wholesale maximum allowable offer: `MAO = ARV × k − repairs − fee` (the "70% rule" at k = 0.70).
 * @example wholesaleMao({ arv_minor: 10_000_000, repairs_minor: 1_000_000, fee_minor: 1_000_000 }).outputs.mao_minor // 5_000_000
 * @throws RangeError naming the offending input
 * @public
 */
export function wholesaleMao(
  input: WholesaleMaoInput,
): CalcResult<Required<WholesaleMaoInput>, WholesaleMaoOutput> {
  const inputs = {
    arv_minor: assertMinor(input.arv_minor, "arv_minor", { min: 0 }),
    repairs_minor: assertMinor(input.repairs_minor, "repairs_minor", { min: 0 }),
    fee_minor: assertMinor(input.fee_minor ?? 0, "fee_minor", { min: 0 }),
    k: input.k ?? "0.70",
  };
  const k = parseRate(inputs.k, "k");
  if (k.num > k.den || k.num === 0n) throw new RangeError("'k' must be greater than 0 and at most 1");
  const arvTimesK = mulRate(inputs.arv_minor, k, "arv_times_k_minor");
  const mao = arvTimesK - inputs.repairs_minor - inputs.fee_minor;
  return {
    inputs,
    outputs: { arv_times_k_minor: arvTimesK, mao_minor: mao, viable: mao > 0 },
    formula: `MAO = ARV × k − repairs − fee; ${ROUNDING_NOTE}`,
  };
}
