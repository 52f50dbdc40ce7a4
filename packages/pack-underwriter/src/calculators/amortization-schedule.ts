import { amortizedPayment } from "./amortized-payment.js";
import type { CalcResult } from "./calc-result.js";
import { assertMinor, parseRate, roundDiv, toSafe } from "./money-math.js";

/** Inputs of the amortization schedule. @public */
export interface AmortizationInput {
  readonly principal_minor: number;
  /** Nominal annual rate as a decimal fraction string (`"0.065"` = 6.5 %), compounded monthly. */
  readonly annual_rate: string;
  /** Number of monthly payments, 1–600. */
  readonly term_months: number;
}

/** One month of the schedule. @public */
export interface AmortizationRow {
  readonly period: number;
  readonly payment_minor: number;
  readonly interest_minor: number;
  readonly principal_minor: number;
  /** Balance after this payment. */
  readonly balance_minor: number;
}

/** Outputs of the amortization schedule. @public */
export interface AmortizationOutput {
  /** The level payment of every month but (possibly) the last. */
  readonly monthly_payment_minor: number;
  /** The last payment: whatever clears the balance, so the schedule ends at exactly 0. */
  readonly final_payment_minor: number;
  readonly total_paid_minor: number;
  readonly total_interest_minor: number;
  readonly schedule: readonly AmortizationRow[];
}

/**
 * Full amortization schedule of a level-payment loan. The payment is `amortizedPayment`'s; each
 * month's interest is `balance × annual rate / 12`, rounded once half away from zero; principal is
 * payment − interest; the last payment is adjusted to clear the balance exactly, so the rounding
 * of every month adds up to the cent.
 * @example amortizationSchedule({ principal_minor: 100_000, annual_rate: "0.12", term_months: 3 }).outputs.final_payment_minor // 34_003
 * @throws RangeError naming the offending input
 * @public
 */
export function amortizationSchedule(
  input: AmortizationInput,
): CalcResult<AmortizationInput, AmortizationOutput> {
  const inputs = {
    principal_minor: assertMinor(input.principal_minor, "principal_minor", { min: 0 }),
    annual_rate: input.annual_rate,
    term_months: input.term_months,
  };
  const payment = amortizedPayment(inputs).outputs.monthly_payment_minor;
  const rate = parseRate(inputs.annual_rate, "annual_rate");
  const monthlyDen = 12n * rate.den;
  const schedule: AmortizationRow[] = [];
  let balance = BigInt(inputs.principal_minor);
  let totalPaid = 0n;
  let totalInterest = 0n;
  for (let period = 1; period <= inputs.term_months && balance > 0n; period++) {
    const interest = roundDiv(balance * rate.num, monthlyDen);
    let principal = BigInt(payment) - interest;
    // The last month (or an earlier one that would overpay) takes exactly what is left.
    if (period === inputs.term_months || principal > balance) principal = balance;
    const paid = principal + interest;
    balance -= principal;
    totalPaid += paid;
    totalInterest += interest;
    schedule.push({
      period,
      payment_minor: toSafe(paid, "payment_minor"),
      interest_minor: toSafe(interest, "interest_minor"),
      principal_minor: toSafe(principal, "principal_minor"),
      balance_minor: toSafe(balance, "balance_minor"),
    });
  }
  return {
    inputs,
    outputs: {
      monthly_payment_minor: payment,
      final_payment_minor: schedule.at(-1)?.payment_minor ?? 0,
      total_paid_minor: toSafe(totalPaid, "total_paid_minor"),
      total_interest_minor: toSafe(totalInterest, "total_interest_minor"),
      schedule,
    },
    formula:
      "payment = P × r × (1 + r)^n / ((1 + r)^n − 1), r = annual rate / 12 (P / n when r = 0); each month: " +
      "interest = balance × r, principal = payment − interest, balance −= principal; the last payment clears " +
      "the balance exactly; each product rounded once to the minor unit, half away from zero",
  };
}
