import { MoneyError, ProblemError, parseMoney, type Stored, todayIn } from "@valhalla/runtime";
import { breakEven } from "./calculators/break-even.js";
import { brrrr } from "./calculators/brrrr.js";
import { rental } from "./calculators/rental.js";
import { wholesaleMao } from "./calculators/wholesale-mao.js";
import type { DealsApi } from "./deals-contract.js";
import { type RiskReport, riskScore } from "./risk-score.js";
import type { Property, UnderwriteBody } from "./schemas.js";
import type { UnderwriterContext } from "./storage.js";

/** A calculator's result as stored on a run. */
export interface Computation {
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly formula: string;
}

/**
 * Parse a request's decimal-string amount in the property's currency.
 * @throws ProblemError 400 naming the body field (e.g. too many decimals for JPY)
 */
export function moneyField(field: string, value: string, currency: string): number {
  try {
    return parseMoney(value, currency).amount_minor;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    throw new ProblemError(400, "validation-failed", `Invalid body: '${field}' ${err.message}`, {
      errors: [{ pointer: `/body/${field.replace(/\./g, "/")}`, field, message: err.message }],
    });
  }
}

const optMoney = (field: string, value: string | undefined, cur: string) =>
  value === undefined ? undefined : moneyField(field, value, cur);

/** Parse repair line items of a request into stored items and their total. */
export function repairsFrom(
  items: readonly { label: string; category: string | null; amount: string }[] | null,
  currency: string,
): { repairs: Property["intel"]["repairs"]; repairs_total_minor: number | null } {
  if (items === null) return { repairs: null, repairs_total_minor: null };
  const repairs = items.map((it, i) => ({
    label: it.label,
    category: it.category,
    amount_minor: moneyField(`repairs.${i}.amount`, it.amount, currency),
  }));
  return { repairs, repairs_total_minor: repairs.reduce((s, r) => s + r.amount_minor, 0) };
}

/** 422 naming the intel a mode needs but the property lacks (and the body did not override). */
function missing(field: string, what: string): never {
  throw new ProblemError(
    422,
    "intel-missing",
    `The property has no ${what}; set it first or pass '${field}'`,
    {
      errors: [
        { pointer: `/body/${field}`, field, message: `is required because the property has no ${what}` },
      ],
    },
  );
}

/**
 * A monthly amount sent under its new name or its deprecated alias (`operating_expenses` for
 * `operating_expenses_monthly`); both with different values is a 400 naming the alias.
 */
function monthlyOf<K extends string, A extends string>(
  body: Partial<Record<K | A, string | undefined>>,
  name: K,
  alias: A,
  cur: string,
): number | undefined {
  const value = optMoney(name, body[name], cur);
  const old = optMoney(alias, body[alias], cur);
  if (value !== undefined && old !== undefined && value !== old) {
    const message = `is a deprecated alias of '${name}' and disagrees with it; send only '${name}'`;
    throw new ProblemError(400, "validation-failed", `Invalid body: '${alias}' ${message}`, {
      errors: [{ pointer: `/body/${alias}`, field: alias, message }],
    });
  }
  return value ?? old;
}

/** Run one calculator for a property; body amounts override the property's intel. */
export function underwrite(p: Property, body: UnderwriteBody): Computation {
  const cur = p.currency;
  // Calculators validate their numbers again; a RangeError here is bad input that slipped through.
  const run = (f: () => { inputs: object; outputs: object; formula: string }): Computation => {
    try {
      return f() as Computation;
    } catch (err) {
      if (err instanceof RangeError) throw new ProblemError(422, "calculation-invalid", err.message);
      throw err;
    }
  };
  const repairsOf = (override: string | undefined) =>
    optMoney("repairs", override, cur) ??
    p.intel.repairs_total_minor ??
    missing("repairs", "repair estimate");
  const arvOf = (override: string | undefined) =>
    optMoney("arv", override, cur) ?? p.intel.arv?.amount_minor ?? missing("arv", "ARV");
  switch (body.mode) {
    case "mao": {
      const input = {
        arv_minor: arvOf(body.arv),
        repairs_minor: repairsOf(body.repairs),
        fee_minor: optMoney("fee", body.fee, cur) ?? 0,
        ...(body.k ? { k: body.k } : {}),
      };
      return run(() => wholesaleMao(input));
    }
    case "brrrr": {
      const purchase = optMoney("purchase_price", body.purchase_price, cur);
      const input = {
        arv_minor: arvOf(body.arv),
        repairs_minor: repairsOf(body.repairs),
        closing_minor: optMoney("closing", body.closing, cur) ?? 0,
        holding_minor: optMoney("holding", body.holding, cur) ?? 0,
        buffer_minor: optMoney("buffer", body.buffer, cur) ?? 0,
        ...(body.ltv ? { ltv: body.ltv } : {}),
        ...(purchase !== undefined ? { purchase_price_minor: purchase } : {}),
      };
      return run(() => brrrr(input));
    }
    case "rental": {
      const rent = monthlyOf(body, "rent_monthly", "rent", cur);
      const input = {
        rent_monthly_minor: rent ?? p.intel.rent_monthly_minor ?? missing("rent_monthly", "projected rent"),
        purchase_price_minor: moneyField("purchase_price", body.purchase_price, cur),
        other_income_monthly_minor: monthlyOf(body, "other_income_monthly", "other_income", cur) ?? 0,
        operating_expenses_monthly_minor:
          monthlyOf(body, "operating_expenses_monthly", "operating_expenses", cur) ?? 0,
        closing_minor: optMoney("closing", body.closing, cur) ?? 0,
        repairs_minor: optMoney("repairs", body.repairs, cur) ?? p.intel.repairs_total_minor ?? 0,
        ...(body.vacancy_rate ? { vacancy_rate: body.vacancy_rate } : {}),
        ...(body.management_rate ? { management_rate: body.management_rate } : {}),
        ...(body.down_payment_rate ? { down_payment_rate: body.down_payment_rate } : {}),
        ...(body.interest_rate ? { interest_rate: body.interest_rate } : {}),
        ...(body.term_months !== undefined ? { term_months: body.term_months } : {}),
      };
      return run(() => rental(input));
    }
    case "breakeven": {
      const input = {
        arv_minor: arvOf(body.arv),
        purchase_price_minor: moneyField("purchase_price", body.purchase_price, cur),
        repairs_minor: repairsOf(body.repairs),
        closing_minor: optMoney("closing", body.closing, cur) ?? 0,
        holding_minor: optMoney("holding", body.holding, cur) ?? 0,
        ...(body.selling_cost_rate ? { selling_cost_rate: body.selling_cost_rate } : {}),
      };
      return run(() => breakEven(input));
    }
  }
}

/** The explainable risk score of a property, "today" in the host's time zone. */
export function propertyRisk(ctx: Pick<UnderwriterContext, "timezone" | "now">, p: Property): RiskReport {
  return riskScore(
    {
      arv_minor: p.intel.arv?.amount_minor ?? null,
      arv_as_of: p.intel.arv?.as_of ?? null,
      repairs_minor: p.intel.repairs_total_minor,
      rent_monthly_minor: p.intel.rent_monthly_minor,
      neighborhood_score: p.intel.neighborhood_score,
      legal_flags: p.intel.legal_flags,
    },
    todayIn(ctx.timezone, ctx.now()),
  );
}

/**
 * Wholesale's deals service, or a 503 problem saying wholesale is not installed — deal linking is
 * the only part of underwriter that needs it, so everything else keeps working.
 */
export function requireDeals(ctx: UnderwriterContext): DealsApi {
  const deals = ctx.deps.deals;
  if (!deals) {
    throw new ProblemError(
      503,
      "dependency-missing",
      "The wholesale pack is not installed; deal linking needs @valhalla/pack-wholesale (service wholesale.deals ^1)",
      { pack: "wholesale", service: "wholesale.deals" },
    );
  }
  return deals;
}

/** The deal, or a 404 problem naming it. */
export async function requireDeal(deals: DealsApi, dealId: string) {
  const deal = await deals.get(dealId);
  if (!deal)
    throw new ProblemError(404, "deal-not-found", `No wholesale deal '${dealId}'`, { deal_id: dealId });
  return deal;
}

/** The public view of a property used by the provided service. */
export function propertySummary(p: Stored<Property>) {
  return {
    id: p.id,
    address: {
      street: p.address.street,
      city: p.address.city,
      region: p.address.region,
      postal_code: p.address.postal_code,
      country: p.address.country,
    },
    type: p.type,
    currency: p.currency,
    arv_minor: p.intel.arv?.amount_minor ?? null,
    deal_id: p.deal_id,
  };
}
