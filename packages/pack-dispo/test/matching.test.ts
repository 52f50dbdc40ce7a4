import { describe, expect, it } from "vitest";
import { askingPrice, type Buyer, scoreBuyer } from "../src/index.js";

// The deal every example scores against: asking 80,000 + 10,000 fee target = 90,000.00 USD.
const deal = {
  currency: "USD",
  property_zip: "46201",
  market: "Indianapolis",
  property_type: "sfh" as const,
  condition: "medium_rehab" as const,
  contract_price_minor: 8_000_000,
  assignment_fee_target_minor: 1_000_000,
  assignment_price_minor: null,
  repair_estimate_minor: 2_500_000,
};
const TODAY = "2026-03-01";

function make(over: Partial<Buyer> & { box?: Partial<Buyer["buy_box"]> }): Buyer {
  const { box, ...rest } = over;
  return {
    name: "b",
    email: null,
    phone: null,
    active: true,
    currency: "USD",
    proof_of_funds: null,
    notes: null,
    ...rest,
    buy_box: {
      markets: [],
      zips: [],
      property_types: [],
      min_price_minor: null,
      max_price_minor: null,
      strategies: [],
      conditions: [],
      max_rehab_minor: null,
      funding: "cash",
      ...box,
    },
  };
}

const points = (res: ReturnType<typeof scoreBuyer>) =>
  res.excluded ? null : Object.fromEntries(res.reasons.map((r) => [r.factor, r.points]));

describe("matching", () => {
  it("should price the deal as contract + fee target until an assignment price exists", () => {
    expect(askingPrice(deal)).toBe(9_000_000);
    expect(askingPrice({ ...deal, assignment_price_minor: 9_500_000 })).toBe(9_500_000);
    expect(askingPrice({ ...deal, contract_price_minor: null })).toBeNull();
  });

  it("should give 100 to a cash buyer whose box fits on every factor", () => {
    // location 30 (ZIP) + budget 20 (50k–100k holds 90k) + 5 (25k ≤ 40k rehab) + type 10 + 5 (any condition)
    // + funding 15 (cash) + POF 15 (150k ≥ 90k) = 100
    const res = scoreBuyer(
      make({
        box: {
          zips: ["46201"],
          property_types: ["sfh"],
          min_price_minor: 5_000_000,
          max_price_minor: 10_000_000,
          max_rehab_minor: 4_000_000,
        },
        proof_of_funds: { amount_minor: 15_000_000, expires_on: "2026-12-31" },
      }),
      deal,
      TODAY,
    );
    expect(res).toMatchObject({ excluded: false, score: 100 });
    expect(points(res)).toEqual({ location: 30, budget: 25, type: 15, funding: 15, proof_of_funds: 15 });
  });

  it("should score 53 for a financed market buyer a little over budget", () => {
    // market 20; price 90k vs max 85k: 90k ≤ 85k × 1.1 = 93.5k → 10; rehab 25k > 20k → 0;
    // sfh wanted 10; medium_rehab not in [light_rehab] → 0; financed 8; POF 80k < 90k → 5. 20+10+10+8+5 = 53
    const res = scoreBuyer(
      make({
        box: {
          markets: ["indianapolis"],
          property_types: ["sfh", "multi_family"],
          conditions: ["light_rehab"],
          min_price_minor: 6_000_000,
          max_price_minor: 8_500_000,
          max_rehab_minor: 2_000_000,
          funding: "financed",
        },
        proof_of_funds: { amount_minor: 8_000_000, expires_on: "2026-03-01" },
      }),
      deal,
      TODAY,
    );
    expect(res).toMatchObject({ excluded: false, score: 53 });
    expect(points(res)).toEqual({ location: 20, budget: 10, type: 10, funding: 8, proof_of_funds: 5 });
    if (!res.excluded) {
      expect(res.reasons.find((r) => r.factor === "budget")?.reason).toContain("at most 10% above");
      expect(res.reasons.find((r) => r.factor === "type")?.reason).toContain(
        "'medium_rehab' is not a wanted condition",
      );
    }
  });

  it("should score 45 for an out-of-area condo buyer without proof of funds", () => {
    // ZIP 90210 only → 0; no price limits 20 + no rehab limit 5; condo only → 0 + any condition 5;
    // cash 15; no POF 0. 0+25+5+15+0 = 45
    const res = scoreBuyer(make({ box: { zips: ["90210"], property_types: ["condo"] } }), deal, TODAY);
    expect(res).toMatchObject({ excluded: false, score: 45 });
    expect(points(res)).toEqual({ location: 0, budget: 25, type: 5, funding: 15, proof_of_funds: 0 });
  });

  it("should score 43 for a buyer in another currency (no budget points)", () => {
    // any location 15; EUR buyer vs USD deal → budget 0; any type/condition 15; financed 8;
    // POF not comparable across currencies → 5. 15+0+15+8+5 = 43
    const res = scoreBuyer(
      make({
        currency: "EUR",
        box: { funding: "financed" },
        proof_of_funds: { amount_minor: 99_000_000, expires_on: "2027-01-01" },
      }),
      deal,
      TODAY,
    );
    expect(points(res)).toEqual({ location: 15, budget: 0, type: 15, funding: 8, proof_of_funds: 5 });
    expect(res).toMatchObject({ score: 43 });
  });

  it("should give no budget points below the buyer's minimum or more than 10% over the maximum", () => {
    const low = scoreBuyer(make({ box: { min_price_minor: 10_000_000 } }), deal, TODAY);
    const high = scoreBuyer(make({ box: { max_price_minor: 8_000_000 } }), deal, TODAY); // 90k > 88k
    // any location 15 + budget 0+5 + type 15 + cash 15 + no POF 0 = 50
    expect(low).toMatchObject({ score: 50 });
    expect(high).toMatchObject({ score: 50 });
    expect(points(high)?.budget).toBe(5);
  });

  it("should exclude inactive buyers and proof of funds that expired before today", () => {
    expect(scoreBuyer(make({ active: false }), deal, TODAY)).toEqual({
      excluded: true,
      reason: "buyer is inactive",
    });
    const expired = make({ proof_of_funds: { amount_minor: 1, expires_on: "2026-02-28" } });
    expect(scoreBuyer(expired, deal, TODAY)).toEqual({
      excluded: true,
      reason: "proof of funds expired on 2026-02-28",
    });
    // Expiring today still counts.
    expect(scoreBuyer(expired, deal, "2026-02-28")).toMatchObject({ excluded: false });
  });

  it("should report unknown deal facts as zero points with the reason", () => {
    const res = scoreBuyer(
      make({
        box: { zips: ["46201"], property_types: ["sfh"], conditions: ["turnkey"], max_rehab_minor: 1 },
      }),
      {
        ...deal,
        property_zip: null,
        market: null,
        property_type: null,
        condition: null,
        repair_estimate_minor: null,
      },
      TODAY,
    );
    expect(points(res)).toEqual({ location: 0, budget: 20, type: 0, funding: 15, proof_of_funds: 0 });
    if (!res.excluded) {
      expect(res.reasons.map((r) => r.reason).join(" | ")).toMatch(
        /no ZIP or market.*repairs unknown.*type unknown/,
      );
    }
  });
});
