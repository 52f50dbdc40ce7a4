/**
 * @module @valhalla/pack-underwriter — properties, underwriting calculators, risk and deal linking.
 */

export {
  type AmortizationInput,
  type AmortizationOutput,
  type AmortizationRow,
  amortizationSchedule,
} from "./calculators/amortization-schedule.js";
export {
  type AmortizedPaymentInput,
  type AmortizedPaymentOutput,
  amortizedPayment,
} from "./calculators/amortized-payment.js";
export {
  type AdjustedComp,
  type ArvCompsInput,
  type ArvCompsOutput,
  arvFromComps,
  CONDITIONS,
  type Comp,
  type CompFacts,
  type Condition,
} from "./calculators/arv-comps.js";
export {
  ARV_DELTAS_PCT,
  type BreakEvenInput,
  type BreakEvenOutput,
  breakEven,
  REPAIRS_DELTAS_PCT,
  type SensitivityCell,
  type SensitivityRow,
} from "./calculators/break-even.js";
export { type BrrrrInput, type BrrrrOutput, brrrr } from "./calculators/brrrr.js";
export { type CalcResult, ROUNDING_NOTE } from "./calculators/calc-result.js";
export { type FlipInput, type FlipOutput, flip } from "./calculators/flip.js";
export { parseRate, type Rate, ratioBps, ratioFixed, roundDiv } from "./calculators/money-math.js";
export { type RentalInput, type RentalOutput, rental } from "./calculators/rental.js";
export {
  type WholesaleMaoInput,
  type WholesaleMaoOutput,
  wholesaleMao,
} from "./calculators/wholesale-mao.js";
export { type DealsApi, dealsService, optionalDealsService } from "./deals-contract.js";
export { underwriter, underwriter as default } from "./pack.js";
export { type UnderwriterApi, underwriterService } from "./refs.js";
export { RISK_WEIGHTS, type RiskFactor, type RiskInput, type RiskReport, riskScore } from "./risk-score.js";
export { MODES, type Mode, PROPERTY_TYPES, type Property } from "./schemas.js";
