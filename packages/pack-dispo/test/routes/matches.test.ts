import type { Host } from "@valhalla/host";
import { beforeEach, describe, expect, it } from "vitest";
import { buyer, call, dealAt, makeHost } from "../helpers.js";

// 03:00 UTC on March 1st is still February 28th in Chicago.
const NOW = new Date("2026-03-01T03:00:00Z");

describe("routes: deal matches", () => {
  let host: Host;
  let deal: any;
  beforeEach(async () => {
    host = await makeHost({ now: NOW, timezone: "America/Chicago" });
    deal = await dealAt(host, "contract", {
      contract_price: "80000",
      assignment_fee_target: "10000",
      repair_estimate: "25000",
      property_zip: "46201",
      market: "Indianapolis",
      property_type: "sfh",
      condition: "medium_rehab",
    });
  });

  it("should rank active buyers with reasons and leave out inactive and expired proof of funds", async () => {
    const top = await buyer(host, {
      name: "Top",
      buy_box: {
        zips: ["46201"],
        property_types: ["sfh"],
        min_price: "50000",
        max_price: "100000",
        max_rehab: "40000",
      },
      proof_of_funds: { amount: "150000", expires_on: "2026-12-31" },
    });
    const mid = await buyer(host, {
      name: "Mid",
      buy_box: {
        markets: ["Indianapolis"],
        property_types: ["sfh", "multi_family"],
        conditions: ["light_rehab"],
        min_price: "60000",
        max_price: "85000",
        max_rehab: "20000",
        funding: "financed",
      },
      // Expires "today" in Chicago (Feb 28) — still valid, though UTC already says March 1st.
      proof_of_funds: { amount: "80000", expires_on: "2026-02-28" },
    });
    const low = await buyer(host, { name: "Low", buy_box: { zips: ["90210"], property_types: ["condo"] } });
    await buyer(host, { name: "Sleeping", active: false, buy_box: { zips: ["46201"] } });
    const stale = await buyer(host, {
      name: "Stale",
      buy_box: { zips: ["46201"] },
      proof_of_funds: { amount: "500000", expires_on: "2026-02-27" },
    });

    const res = await call(host, "GET", `/dispo/deals/${deal.id}/matches`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      deal_id: deal.id,
      as_of: "2026-02-28",
      currency: "USD",
      asking_price_minor: 9_000_000,
      inactive_buyers: 1,
    });
    // Hand-worked in test/matching.test.ts: 100, 53, 45.
    expect(res.body.matches.map((m: any) => [m.buyer_id, m.score])).toEqual([
      [top.id, 100],
      [mid.id, 53],
      [low.id, 45],
    ]);
    for (const m of res.body.matches) {
      expect(m.reasons.map((r: any) => r.factor)).toEqual([
        "location",
        "budget",
        "type",
        "funding",
        "proof_of_funds",
      ]);
      expect(m.reasons.reduce((n: number, r: any) => n + r.points, 0)).toBe(m.score);
      expect(m.reasons.map((r: any) => r.max)).toEqual([30, 25, 15, 15, 15]);
    }
    expect(res.body.matches[1].reasons[0]).toEqual({
      factor: "location",
      points: 20,
      max: 30,
      reason: "market 'indianapolis' is in the buy box",
    });
    expect(res.body.excluded).toEqual([
      { buyer_id: stale.id, name: "Stale", reason: "proof of funds expired on 2026-02-27" },
    ]);
  });

  it("should apply min_score and limit", async () => {
    await buyer(host, { name: "Any cash" }); // 15 + 25 + 15 + 15 + 0 = 70
    await buyer(host, { name: "Any financed", buy_box: { funding: "financed" } }); // 63
    const res = await call(host, "GET", `/dispo/deals/${deal.id}/matches?min_score=65`);
    expect(res.body.matches.map((m: any) => [m.name, m.score])).toEqual([["Any cash", 70]]);
    const one = await call(host, "GET", `/dispo/deals/${deal.id}/matches?limit=1`);
    expect(one.body.matches).toHaveLength(1);
    const bad = await call(host, "GET", `/dispo/deals/${deal.id}/matches?min_score=101`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("min_score");
  });

  it("should answer 404 for an unknown deal", async () => {
    const res = await call(host, "GET", "/dispo/deals/deal_missing/matches");
    expect(res.status).toBe(404);
    expect(res.body.type).toBe("https://valhalla.dev/problems/not-found");
  });
});
