import { ProblemError, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import {
  AmortizationBody,
  AmortizationOutputs,
  ArvCompsBody,
  ArvCompsOutputs,
  calcResponse,
  FlipBody,
  FlipOutputs,
  MaoCalcBody,
  MaoOutputs,
  RentalCalcBody,
} from "../calculate-schemas.js";
import { amortizationSchedule } from "../calculators/amortization-schedule.js";
import { arvFromComps } from "../calculators/arv-comps.js";
import { flip } from "../calculators/flip.js";
import { rental } from "../calculators/rental.js";
import { wholesaleMao } from "../calculators/wholesale-mao.js";
import { moneyField } from "../service.js";
import type { UnderwriterContext } from "../storage.js";

const route = routeFor<UnderwriterContext>();
const NOTE =
  "Stores nothing. Amounts are decimal strings in `currency` (default USD), rates decimal-fraction strings; outputs are integer minor units of `currency`.";

/** Run a calculator for a route; a RangeError is input the schema let through (422, never 500). */
function answer<R extends { inputs: object; outputs: object; formula: string }>(
  kind: string,
  currency: string,
  f: () => R,
) {
  try {
    return { kind, currency, ...f() };
  } catch (err) {
    if (err instanceof RangeError) throw new ProblemError(422, "calculation-invalid", err.message);
    throw err;
  }
}

/** Optional amount of the body, parsed in the request's currency. */
const opt = (field: string, value: string | undefined, currency: string) =>
  value === undefined ? undefined : moneyField(field, value, currency);

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };

export const calculateAmortization = route({
  method: "POST",
  path: "/calculate/amortization",
  summary: "Loan payment and full amortization schedule (stores nothing)",
  description: NOTE,
  scope: "read",
  body: AmortizationBody,
  response: { status: 200, schema: calcResponse("amortization", AmortizationOutputs) },
  errors: [400, 422],
  handler: ({ body }) =>
    answer("amortization", body.currency, () =>
      amortizationSchedule({
        principal_minor: moneyField("principal", body.principal, body.currency),
        annual_rate: body.annual_rate,
        term_months: body.term_months,
      }),
    ),
});

export const calculateFlip = route({
  method: "POST",
  path: "/calculate/flip",
  summary: "Fix-and-flip profit and ROI with purchase and rehab financing (stores nothing)",
  description: NOTE,
  scope: "read",
  body: FlipBody,
  response: { status: 200, schema: calcResponse("flip", FlipOutputs) },
  errors: [400, 422],
  handler: ({ body }) => {
    const c = body.currency;
    return answer("flip", c, () =>
      flip(
        defined({
          purchase_price_minor: moneyField("purchase_price", body.purchase_price, c),
          rehab_minor: moneyField("rehab", body.rehab, c),
          sale_price_minor: moneyField("sale_price", body.sale_price, c),
          purchase_closing_minor: opt("purchase_closing", body.purchase_closing, c),
          purchase_financed_rate: body.purchase_financed_rate,
          rehab_financed_rate: body.rehab_financed_rate,
          interest_rate: body.interest_rate,
          points_rate: body.points_rate,
          holding_months: body.holding_months,
          holding_costs_monthly_minor: opt("holding_costs_monthly", body.holding_costs_monthly, c),
          selling_cost_rate: body.selling_cost_rate,
        }),
      ),
    );
  },
});

export const calculateArvComps = route({
  method: "POST",
  path: "/calculate/arv-comps",
  summary: "ARV estimate with low/high range from adjusted comparable sales (stores nothing)",
  description: `${NOTE} Each comp is adjusted towards the subject for size, beds, baths and condition.`,
  scope: "read",
  body: ArvCompsBody,
  response: { status: 200, schema: calcResponse("arv-comps", ArvCompsOutputs) },
  errors: [400, 422],
  handler: ({ body }) => {
    const c = body.currency;
    return answer("arv-comps", c, () =>
      arvFromComps(
        defined({
          subject: body.subject,
          comps: body.comps.map((comp, i) => {
            const { sale_price, label, ...facts } = comp;
            return {
              ...facts,
              label: label ?? null,
              sale_price_minor: moneyField(`comps.${i}.sale_price`, sale_price, c),
            };
          }),
          per_sqft_minor: opt("per_sqft", body.per_sqft, c),
          per_bed_minor: opt("per_bed", body.per_bed, c),
          per_bath_minor: opt("per_bath", body.per_bath, c),
          per_condition_step_minor: opt("per_condition_step", body.per_condition_step, c),
        }),
      ),
    );
  },
});

export const calculateMao = route({
  method: "POST",
  path: "/calculate/mao",
  summary: "Wholesale MAO = ARV × k − repairs − fee (stores nothing)",
  description: NOTE,
  scope: "read",
  body: MaoCalcBody,
  response: { status: 200, schema: calcResponse("mao", MaoOutputs) },
  errors: [400, 422],
  handler: ({ body }) => {
    const c = body.currency;
    return answer("mao", c, () =>
      wholesaleMao(
        defined({
          arv_minor: moneyField("arv", body.arv, c),
          repairs_minor: moneyField("repairs", body.repairs, c),
          fee_minor: opt("fee", body.fee, c),
          k: body.k,
        }),
      ),
    );
  },
});

export const calculateRental = route({
  method: "POST",
  path: "/calculate/rental",
  summary: "Buy-and-hold rental metrics: NOI, cap rate, cash-on-cash, DSCR (stores nothing)",
  description: NOTE,
  scope: "read",
  body: RentalCalcBody,
  response: { status: 200, schema: calcResponse("rental", v.record(v.string(), v.unknown())) },
  errors: [400, 422],
  handler: ({ body }) => {
    const c = body.currency;
    return answer("rental", c, () =>
      rental(
        defined({
          purchase_price_minor: moneyField("purchase_price", body.purchase_price, c),
          rent_monthly_minor: moneyField("rent_monthly", body.rent_monthly, c),
          other_income_monthly_minor: opt("other_income_monthly", body.other_income_monthly, c),
          vacancy_rate: body.vacancy_rate,
          operating_expenses_monthly_minor: opt(
            "operating_expenses_monthly",
            body.operating_expenses_monthly,
            c,
          ),
          management_rate: body.management_rate,
          closing_minor: opt("closing", body.closing, c),
          repairs_minor: opt("repairs", body.repairs, c),
          down_payment_rate: body.down_payment_rate,
          interest_rate: body.interest_rate,
          term_months: body.term_months,
        }),
      ),
    );
  },
});
