import type { CalcResult } from "./calc-result.js";
import { assertMinor, parseRate, roundDiv, toSafe } from "./money-math.js";

/** Inputs of the amortized-payment calculator. @public */
export interface AmortizedPaymentInput {
  readonly principal_minor: number;
  /** Nominal annual interest rate as a decimal string (`"0.065"` = 6.5 %), compounded monthly. */
  readonly annual_rate: string;
  /** Number of monthly payments (360 = 30 years). */
  readonly term_months: number;
}

/** Outputs of the amortized-payment calculator. @public */
export interface AmortizedPaymentOutput {
  readonly monthly_payment_minor: number;
  /** Payment × term (the final payment's rounding difference is ignored). */
  readonly total_paid_minor: number;
  readonly total_interest_minor: number;
}

/**
 * Level monthly payment of a fully amortizing loan: `P × r × (1+r)^n / ((1+r)^n − 1)` with
 * `r = annual rate / 12`; `P / n` at a zero rate. Computed as one exact fraction of big integers,
 * then rounded once, half away from zero.
 * @example amortizedPayment({ principal_minor: 20_000_000, annual_rate: "0.065", term_months: 360 }).outputs.monthly_payment_minor // 126_414
 * @throws RangeError naming the offending input
 * @public
 */
export function amortizedPayment(
  input: AmortizedPaymentInput,
): CalcResult<AmortizedPaymentInput, AmortizedPaymentOutput> {
  const inputs = {
    principal_minor: assertMinor(input.principal_minor, "principal_minor", { min: 0 }),
    annual_rate: input.annual_rate,
    term_months: input.term_months,
  };
  if (!Number.isInteger(inputs.term_months) || inputs.term_months < 1 || inputs.term_months > 600) {
    throw new RangeError("'term_months' must be a whole number from 1 to 600");
  }
  const rate = parseRate(inputs.annual_rate, "annual_rate");
  const p = BigInt(inputs.principal_minor);
  const n = BigInt(inputs.term_months);
  let payment: bigint;
  if (rate.num === 0n) {
    payment = roundDiv(p, n);
  } else {
    // r = A/D with D = 12·den; (1+r)^n = N^n/D^n with N = D + A, so the payment is exactly
    // P·A·N^n / (D·(N^n − D^n)). Big integers keep every digit until the one final rounding.
    const d = 12n * rate.den;
    const a = rate.num;
    const nn = (d + a) ** n;
    const dn = d ** n;
    payment = roundDiv(p * a * nn, d * (nn - dn));
  }
  const monthly = toSafe(payment, "monthly_payment_minor");
  const total = toSafe(payment * n, "total_paid_minor");
  return {
    inputs,
    outputs: {
      monthly_payment_minor: monthly,
      total_paid_minor: total,
      total_interest_minor: total - inputs.principal_minor,
    },
    formula:
      "payment = P × r × (1 + r)^n / ((1 + r)^n − 1), r = annual rate / 12, n = months (P / n when r = 0); " +
      "exact fraction rounded once to the minor unit, half away from zero",
  };
}
