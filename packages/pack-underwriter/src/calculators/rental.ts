import { amortizedPayment } from "./amortized-payment.js";
import { type CalcResult, ROUNDING_NOTE } from "./calc-result.js";
import { assertMinor, mulRate, parseRate, ratioBps, ratioFixed, roundDiv, toSafe } from "./money-math.js";

/** Inputs of the rental calculator (money in minor units, rates as decimal strings). @public */
export interface RentalInput {
  /** Gross scheduled rent per month. */
  readonly rent_monthly_minor: number;
  readonly purchase_price_minor: number;
  /** Other monthly income (laundry, parking). @default 0 */
  readonly other_income_monthly_minor?: number;
  /** Share of gross rent lost to vacancy and credit loss. @default "0.05" */
  readonly vacancy_rate?: string;
  /** Monthly operating expenses: taxes, insurance, maintenance, utilities, HOA (no debt service). @default 0 */
  readonly operating_expenses_monthly_minor?: number;
  /** Property management as a share of effective gross income. @default "0" */
  readonly management_rate?: string;
  /** Purchase closing costs. @default 0 */
  readonly closing_minor?: number;
  /** Up-front repairs. @default 0 */
  readonly repairs_minor?: number;
  /** Down payment as a share of the price (`"1"` = all cash). @default "0.20" */
  readonly down_payment_rate?: string;
  /** Nominal annual interest rate. @default "0.07" */
  readonly interest_rate?: string;
  /** @default 360 */
  readonly term_months?: number;
}

/**
 * Outputs of the rental calculator: money in minor units; rates and ratios as 4-place decimal
 * strings (`cap_rate: "0.0820"` = 8.20 %), the convention of every underwriter output. @public
 */
export interface RentalOutput {
  readonly gross_annual_rent_minor: number;
  readonly vacancy_loss_minor: number;
  readonly effective_gross_income_minor: number;
  readonly management_minor: number;
  readonly operating_expenses_annual_minor: number;
  readonly noi_minor: number;
  readonly down_payment_minor: number;
  readonly loan_minor: number;
  readonly monthly_payment_minor: number;
  readonly annual_debt_service_minor: number;
  readonly cash_flow_annual_minor: number;
  readonly cash_flow_monthly_minor: number;
  readonly total_cash_invested_minor: number;
  /** NOI ÷ purchase price. */
  readonly cap_rate: string | null;
  /** Annual cash flow ÷ cash invested. */
  readonly cash_on_cash: string | null;
  /** @deprecated The same rate in basis points; use `cap_rate`. Removed in 1.0. */
  readonly cap_rate_bps: number | null;
  /** @deprecated The same rate in basis points; use `cash_on_cash`. Removed in 1.0. */
  readonly cash_on_cash_bps: number | null;
  readonly dscr: string | null;
  readonly grm: string | null;
  readonly one_percent_rule: { readonly threshold_minor: number; readonly passes: boolean };
  readonly fifty_percent_rule: {
    readonly estimated_expenses_monthly_minor: number;
    readonly estimated_cash_flow_monthly_minor: number;
    readonly passes: boolean;
  };
}

const ONE_PERCENT = { num: 1n, den: 100n };
const HALF = { num: 1n, den: 2n };

/**
 * Buy-and-hold rental metrics: NOI, cap rate, cash-on-cash, DSCR, GRM, the 1 % and 50 % rules and
 * the amortized loan payment.
 * @example rental({ rent_monthly_minor: 150_000, purchase_price_minor: 15_000_000 }).outputs.noi_minor
 * @throws RangeError naming the offending input
 * @public
 */
export function rental(input: RentalInput): CalcResult<Required<RentalInput>, RentalOutput> {
  const inputs = {
    rent_monthly_minor: assertMinor(input.rent_monthly_minor, "rent_monthly_minor", { min: 0 }),
    purchase_price_minor: assertMinor(input.purchase_price_minor, "purchase_price_minor", { min: 0 }),
    other_income_monthly_minor: assertMinor(
      input.other_income_monthly_minor ?? 0,
      "other_income_monthly_minor",
      {
        min: 0,
      },
    ),
    vacancy_rate: input.vacancy_rate ?? "0.05",
    operating_expenses_monthly_minor: assertMinor(
      input.operating_expenses_monthly_minor ?? 0,
      "operating_expenses_monthly_minor",
      { min: 0 },
    ),
    management_rate: input.management_rate ?? "0",
    closing_minor: assertMinor(input.closing_minor ?? 0, "closing_minor", { min: 0 }),
    repairs_minor: assertMinor(input.repairs_minor ?? 0, "repairs_minor", { min: 0 }),
    down_payment_rate: input.down_payment_rate ?? "0.20",
    interest_rate: input.interest_rate ?? "0.07",
    term_months: input.term_months ?? 360,
  };
  const vacancy = fraction(inputs.vacancy_rate, "vacancy_rate");
  const management = fraction(inputs.management_rate, "management_rate");
  const down = fraction(inputs.down_payment_rate, "down_payment_rate");

  const gross = inputs.rent_monthly_minor * 12;
  const vacancyLoss = mulRate(gross, vacancy);
  const egi = gross - vacancyLoss + inputs.other_income_monthly_minor * 12;
  const mgmt = mulRate(egi, management);
  const opex = inputs.operating_expenses_monthly_minor * 12 + mgmt;
  const noi = egi - opex;

  const downPayment = mulRate(inputs.purchase_price_minor, down);
  const loan = inputs.purchase_price_minor - downPayment;
  const payment = amortizedPayment({
    principal_minor: loan,
    annual_rate: inputs.interest_rate,
    term_months: inputs.term_months,
  }).outputs.monthly_payment_minor;
  const debtService = payment * 12;
  const cashFlow = noi - debtService;
  const invested = downPayment + inputs.closing_minor + inputs.repairs_minor;
  const B = BigInt;

  const threshold = mulRate(inputs.purchase_price_minor + inputs.repairs_minor, ONE_PERCENT);
  const halfRent = mulRate(inputs.rent_monthly_minor, HALF);
  const fiftyCashFlow = inputs.rent_monthly_minor - halfRent - payment;

  return {
    inputs,
    outputs: {
      gross_annual_rent_minor: gross,
      vacancy_loss_minor: vacancyLoss,
      effective_gross_income_minor: egi,
      management_minor: mgmt,
      operating_expenses_annual_minor: opex,
      noi_minor: noi,
      down_payment_minor: downPayment,
      loan_minor: loan,
      monthly_payment_minor: payment,
      annual_debt_service_minor: debtService,
      cash_flow_annual_minor: cashFlow,
      cash_flow_monthly_minor: toSafe(roundDiv(B(cashFlow), 12n), "cash_flow_monthly_minor"),
      total_cash_invested_minor: invested,
      cap_rate:
        inputs.purchase_price_minor > 0 ? ratioFixed(B(noi), B(inputs.purchase_price_minor), 4) : null,
      cash_on_cash: invested > 0 ? ratioFixed(B(cashFlow), B(invested), 4) : null,
      cap_rate_bps: inputs.purchase_price_minor > 0 ? ratioBps(B(noi), B(inputs.purchase_price_minor)) : null,
      cash_on_cash_bps: invested > 0 ? ratioBps(B(cashFlow), B(invested)) : null,
      dscr: debtService > 0 ? ratioFixed(B(noi), B(debtService), 4) : null,
      grm: gross > 0 ? ratioFixed(B(inputs.purchase_price_minor), B(gross), 4) : null,
      one_percent_rule: { threshold_minor: threshold, passes: inputs.rent_monthly_minor >= threshold },
      fifty_percent_rule: {
        estimated_expenses_monthly_minor: halfRent,
        estimated_cash_flow_monthly_minor: fiftyCashFlow,
        passes: fiftyCashFlow >= 0,
      },
    },
    formula: [
      "EGI = rent × 12 × (1 − vacancy) + other income × 12",
      "NOI = EGI − (operating expenses × 12 + EGI × management rate)",
      "loan = price − price × down payment rate; debt service = amortized payment × 12",
      "cap rate = NOI / price; cash-on-cash = (NOI − debt service) / (down payment + closing + repairs)",
      "DSCR = NOI / debt service; GRM = price / (rent × 12)",
      "1% rule: monthly rent ≥ 1% × (price + repairs); 50% rule: rent − 50% × rent − payment ≥ 0",
      "rates in basis points and ratios to 4 places, rounded half away from zero",
      ROUNDING_NOTE,
    ].join("; "),
  };
}

function fraction(value: string, field: string) {
  const r = parseRate(value, field);
  if (r.num > r.den) throw new RangeError(`'${field}' must be at most 1`);
  return r;
}
