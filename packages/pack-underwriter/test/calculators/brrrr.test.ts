import { describe, expect, it } from "vitest";
import { brrrr } from "../../src/index.js";

// Hand-worked BRRRR cases: max offer = ARV × LTV − repairs − closing − holding − buffer;
// all-in = purchase + repairs + closing + holding; cash left = max(0, all-in − ARV × LTV).
// Sources: seed 001 (P-UNDERWRITE-1: "(ARV × LTV) − repairs − closing − buffer"), plus holding costs as
// in the usual BRRRR worksheets (e.g. BiggerPockets "BRRRR" calculator). USD, minor units = cents.
describe("brrrr", () => {
  it("should compute the max offer with the 75% default LTV: 200,000 × 0.75 − 30,000 = 120,000", () => {
    // loan = 150,000; max offer = 150,000 − 30,000 = 120,000; bought at max → all-in 150,000 → 0 left in
    const r = brrrr({ arv_minor: 20_000_000, repairs_minor: 3_000_000 });
    expect(r.outputs).toEqual({
      refinance_loan_minor: 15_000_000,
      max_offer_minor: 12_000_000,
      purchase_price_minor: 12_000_000,
      all_in_minor: 15_000_000,
      cash_left_in_deal_minor: 0,
      cash_out_minor: 0,
    });
    expect(r.inputs.ltv).toBe("0.75");
  });

  it("should subtract closing, holding and buffer and report cash out at a lower price", () => {
    // loan 150,000; max offer = 150,000 − 30,000 − 5,000 − 4,000 − 6,000 = 105,000
    // bought at 110,000: all-in = 110,000 + 30,000 + 5,000 + 4,000 = 149,000 → 1,000 comes back out
    const r = brrrr({
      arv_minor: 20_000_000,
      repairs_minor: 3_000_000,
      closing_minor: 500_000,
      holding_minor: 400_000,
      buffer_minor: 600_000,
      purchase_price_minor: 11_000_000,
    });
    expect(r.outputs.max_offer_minor).toBe(10_500_000);
    expect(r.outputs.all_in_minor).toBe(14_900_000);
    expect(r.outputs.cash_left_in_deal_minor).toBe(0);
    expect(r.outputs.cash_out_minor).toBe(100_000);
  });

  it("should report cash left in the deal when paying above the max offer", () => {
    // loan = 160,000 × 0.70 = 112,000; max offer = 112,000 − 25,000 − 3,000 − 2,000 = 82,000
    // bought at 95,000: all-in = 95,000 + 25,000 + 3,000 + 2,000 = 125,000 → 125,000 − 112,000 = 13,000 left in
    const r = brrrr({
      arv_minor: 16_000_000,
      repairs_minor: 2_500_000,
      closing_minor: 300_000,
      holding_minor: 200_000,
      ltv: "0.70",
      purchase_price_minor: 9_500_000,
    });
    expect(r.outputs.refinance_loan_minor).toBe(11_200_000);
    expect(r.outputs.max_offer_minor).toBe(8_200_000);
    expect(r.outputs.cash_left_in_deal_minor).toBe(1_300_000);
    expect(r.outputs.cash_out_minor).toBe(0);
  });

  it("should return the buffer as cash out when bought at the max offer", () => {
    // loan 75,000; max offer = 75,000 − 10,000 − 5,000 = 60,000; all-in 70,000 → 5,000 out
    const r = brrrr({ arv_minor: 10_000_000, repairs_minor: 1_000_000, buffer_minor: 500_000 });
    expect(r.outputs.max_offer_minor).toBe(6_000_000);
    expect(r.outputs.all_in_minor).toBe(7_000_000);
    expect(r.outputs.cash_out_minor).toBe(500_000);
  });

  it("should round ARV × LTV half away from zero", () => {
    // 999.99 × 0.75 = 749.9925 → 749.99 (74,999.25 cents → 74,999)
    expect(brrrr({ arv_minor: 99_999, repairs_minor: 0 }).outputs.refinance_loan_minor).toBe(74_999);
    // 0.02 × 0.75 = 0.015 → 1.5 cents → 2 cents
    expect(brrrr({ arv_minor: 2, repairs_minor: 0 }).outputs.refinance_loan_minor).toBe(2);
  });

  it("should reject an LTV above 1, naming it", () => {
    expect(() => brrrr({ arv_minor: 100, repairs_minor: 0, ltv: "1.2" })).toThrow(/'ltv'/);
  });
});
