import type { DealRecord } from "@valhalla/pack-wholesale/refs";
import type { Buyer } from "./schemas.js";

/**
 * Pure buyer ↔ deal scoring. Each factor reports its points, its maximum and why, so a score is
 * always explainable. Maxima: location 30, budget 25, type 15, funding 15, proof of funds 15.
 * @module
 */

/** Scoring factors, in the order they are reported. */
export type Factor = "location" | "budget" | "type" | "funding" | "proof_of_funds";

/** One factor's contribution to a score. */
export interface Reason {
  readonly factor: Factor;
  readonly points: number;
  readonly max: number;
  readonly reason: string;
}

/** A buyer's score for a deal, or why the buyer is left out. */
export type MatchResult =
  | { readonly excluded: false; readonly score: number; readonly reasons: readonly Reason[] }
  | { readonly excluded: true; readonly reason: string };

type DealForMatch = Pick<
  DealRecord,
  | "currency"
  | "property_zip"
  | "market"
  | "property_type"
  | "condition"
  | "contract_price_minor"
  | "assignment_fee_target_minor"
  | "assignment_price_minor"
  | "repair_estimate_minor"
>;

/**
 * What the end buyer would pay: the assignment price once set, else contract price plus the
 * assignment fee target, else unknown.
 */
export function askingPrice(deal: DealForMatch): number | null {
  if (deal.assignment_price_minor !== null) return deal.assignment_price_minor;
  if (deal.contract_price_minor === null) return null;
  return deal.contract_price_minor + (deal.assignment_fee_target_minor ?? 0);
}

/** Score `buyer` for `deal` on `today` (an ISO date in the host's time zone). */
export function scoreBuyer(buyer: Buyer, deal: DealForMatch, today: string): MatchResult {
  if (!buyer.active) return { excluded: true, reason: "buyer is inactive" };
  const pof = buyer.proof_of_funds;
  if (pof && pof.expires_on < today) {
    return { excluded: true, reason: `proof of funds expired on ${pof.expires_on}` };
  }
  const price = askingPrice(deal);
  const sameCurrency = buyer.currency === deal.currency;
  const reasons = [
    location(buyer, deal),
    budget(buyer, deal, price, sameCurrency),
    type(buyer, deal),
    funding(buyer),
    proofOfFunds(buyer, price, sameCurrency),
  ];
  return { excluded: false, score: reasons.reduce((n, r) => n + r.points, 0), reasons };
}

const r = (factor: Factor, points: number, max: number, reason: string): Reason => ({
  factor,
  points,
  max,
  reason,
});

function location(buyer: Buyer, deal: DealForMatch): Reason {
  const box = buyer.buy_box;
  const zip = deal.property_zip?.trim().toUpperCase();
  const market = deal.market?.trim().toLowerCase();
  if (zip && box.zips.some((z) => z.toUpperCase() === zip))
    return r("location", 30, 30, `ZIP ${zip} is in the buy box`);
  if (market && box.markets.includes(market))
    return r("location", 20, 30, `market '${market}' is in the buy box`);
  if (box.zips.length === 0 && box.markets.length === 0)
    return r("location", 15, 30, "buyer takes any location");
  if (!zip && !market) return r("location", 0, 30, "deal has no ZIP or market");
  return r("location", 0, 30, "deal's ZIP and market are outside the buy box");
}

function budget(buyer: Buyer, deal: DealForMatch, price: number | null, sameCurrency: boolean): Reason {
  const box = buyer.buy_box;
  if (!sameCurrency)
    return r("budget", 0, 25, `buyer buys in ${buyer.currency}, deal is in ${deal.currency}`);
  let points = 0;
  const why: string[] = [];
  if (price === null) why.push("deal has no asking price (0/20)");
  else if (box.min_price_minor !== null && price < box.min_price_minor)
    why.push("price below buyer's minimum (0/20)");
  else if (box.max_price_minor === null || price <= box.max_price_minor) {
    points += 20;
    why.push(
      box.min_price_minor === null && box.max_price_minor === null
        ? "no price limits (20/20)"
        : "price within range (20/20)",
    );
  } else if (price * 10 <= box.max_price_minor * 11) {
    points += 10;
    why.push("price at most 10% above buyer's maximum (10/20)");
  } else why.push("price more than 10% above buyer's maximum (0/20)");

  if (box.max_rehab_minor === null) {
    points += 5;
    why.push("no rehab limit (5/5)");
  } else if (deal.repair_estimate_minor === null) why.push("deal's repairs unknown (0/5)");
  else if (deal.repair_estimate_minor <= box.max_rehab_minor) {
    points += 5;
    why.push("repairs within buyer's rehab limit (5/5)");
  } else why.push("repairs above buyer's rehab limit (0/5)");
  return r("budget", points, 25, why.join("; "));
}

function type(buyer: Buyer, deal: DealForMatch): Reason {
  const box = buyer.buy_box;
  let points = 0;
  const why: string[] = [];
  if (box.property_types.length === 0) {
    points += 10;
    why.push("buyer takes any property type (10/10)");
  } else if (deal.property_type === null) why.push("deal's property type unknown (0/10)");
  else if (box.property_types.includes(deal.property_type)) {
    points += 10;
    why.push(`'${deal.property_type}' is a wanted type (10/10)`);
  } else why.push(`'${deal.property_type}' is not a wanted type (0/10)`);

  if (box.conditions.length === 0) {
    points += 5;
    why.push("buyer takes any condition (5/5)");
  } else if (deal.condition === null) why.push("deal's condition unknown (0/5)");
  else if (box.conditions.includes(deal.condition)) {
    points += 5;
    why.push(`'${deal.condition}' is a wanted condition (5/5)`);
  } else why.push(`'${deal.condition}' is not a wanted condition (0/5)`);
  return r("type", points, 15, why.join("; "));
}

function funding(buyer: Buyer): Reason {
  // Financed buyers close slower and fall out more often on assignments.
  return buyer.buy_box.funding === "cash"
    ? r("funding", 15, 15, "cash buyer")
    : r("funding", 8, 15, "financed buyer");
}

function proofOfFunds(buyer: Buyer, price: number | null, sameCurrency: boolean): Reason {
  const pof = buyer.proof_of_funds;
  if (!pof) return r("proof_of_funds", 0, 15, "no proof of funds on file");
  if (price !== null && sameCurrency && pof.amount_minor >= price) {
    return r("proof_of_funds", 15, 15, `proof of funds covers the price (valid to ${pof.expires_on})`);
  }
  return r(
    "proof_of_funds",
    5,
    15,
    price === null || !sameCurrency
      ? `proof of funds on file, deal price not comparable (valid to ${pof.expires_on})`
      : `proof of funds below the price (valid to ${pof.expires_on})`,
  );
}
