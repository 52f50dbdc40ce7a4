import { describe, expect, it } from "vitest";
import { riskScore } from "../src/index.js";

// Weights (max points): neighborhood 30, repairs/ARV 25, legal flags 30, ARV freshness 10, rent data 5.
// Each case's sum is worked by hand below; points are rounded half away from zero.
const TODAY = "2026-01-03";
const none = {
  arv_minor: null,
  arv_as_of: null,
  repairs_minor: null,
  rent_monthly_minor: null,
  neighborhood_score: null,
  legal_flags: [],
};
const points = (r: ReturnType<typeof riskScore>) =>
  Object.fromEntries(r.factors.map((f) => [f.factor, f.points]));

describe("riskScore", () => {
  it("should score unknown intel as worst case and warn about each gap", () => {
    // 30 (no neighborhood) + 25 (no repairs) + 0 (no flags) + 10 (no ARV) + 5 (no rent) = 70 → high
    const r = riskScore(none, TODAY);
    expect(r.score).toBe(70);
    expect(r.level).toBe("high");
    expect(points(r)).toEqual({
      neighborhood: 30,
      repairs_to_arv: 25,
      legal_flags: 0,
      arv_freshness: 10,
      rent_data: 5,
    });
    expect(r.warnings).toEqual([
      "No neighborhood score; scored as worst case",
      "No repair estimate; scored as worst case",
      "No ARV set; scored as worst case",
      "No projected rent; rental exit cannot be checked",
    ]);
  });

  it("should score a clean property low", () => {
    // neighborhood 80 → (100 − 80) × 30 / 100 = 6; repairs 20,000 / 200,000 = 1,000 bps → 1,000 × 25 / 4,000 = 6.25 → 6
    // no flags 0; ARV 10 days old 0; rent known 0 → 12 → low
    const r = riskScore(
      {
        arv_minor: 20_000_000,
        arv_as_of: "2025-12-24",
        repairs_minor: 2_000_000,
        rent_monthly_minor: 150_000,
        neighborhood_score: 80,
        legal_flags: [],
      },
      TODAY,
    );
    expect(points(r)).toEqual({
      neighborhood: 6,
      repairs_to_arv: 6,
      legal_flags: 0,
      arv_freshness: 0,
      rent_data: 0,
    });
    expect(r.score).toBe(12);
    expect(r.level).toBe("low");
    expect(r.warnings).toEqual([]);
  });

  it("should cap legal flags and heavy repairs at their weights", () => {
    // neighborhood 50 → 15; repairs 50,000 / 100,000 = 5,000 bps → 31.25 → capped 25
    // 4 flags × 10 = 40 → capped 30; ARV 100 days old → 5; rent known 0 → 75 → high
    const r = riskScore(
      {
        arv_minor: 10_000_000,
        arv_as_of: "2025-09-25",
        repairs_minor: 5_000_000,
        rent_monthly_minor: 90_000,
        neighborhood_score: 50,
        legal_flags: ["lis pendens", "code violation", "open permit", "tax lien"],
      },
      TODAY,
    );
    expect(points(r)).toEqual({
      neighborhood: 15,
      repairs_to_arv: 25,
      legal_flags: 30,
      arv_freshness: 5,
      rent_data: 0,
    });
    expect(r.score).toBe(75);
    expect(r.warnings).toContain("Legal flag: tax lien");
    expect(r.warnings).toContain("Heavy rehab: repairs are 50.00% of ARV");
  });

  it("should round half points away from zero", () => {
    // neighborhood 45 → 55 × 30 / 100 = 16.5 → 17; repairs 2,000 bps → 2,000 × 25 / 4,000 = 12.5 → 13
    // 1 flag → 10; ARV 200 days old → 10 (stale); no rent → 5 → 55 → medium
    const r = riskScore(
      {
        arv_minor: 10_000_000,
        arv_as_of: "2025-06-17",
        repairs_minor: 2_000_000,
        rent_monthly_minor: null,
        neighborhood_score: 45,
        legal_flags: ["easement"],
      },
      TODAY,
    );
    expect(points(r)).toEqual({
      neighborhood: 17,
      repairs_to_arv: 13,
      legal_flags: 10,
      arv_freshness: 10,
      rent_data: 5,
    });
    expect(r.score).toBe(55);
    expect(r.level).toBe("medium");
    expect(r.warnings).toContain("ARV is stale (200 days old)");
  });

  it("should score zero for a perfect, fully diligenced property", () => {
    // neighborhood 100 → 0; repairs estimated at 0 → 0; no flags; ARV today → 0; rent known → 0
    const r = riskScore(
      {
        arv_minor: 10_000_000,
        arv_as_of: TODAY,
        repairs_minor: 0,
        rent_monthly_minor: 100_000,
        neighborhood_score: 100,
        legal_flags: [],
      },
      TODAY,
    );
    expect(r.score).toBe(0);
    expect(r.factors.every((f) => f.detail.length > 0)).toBe(true);
  });
});
