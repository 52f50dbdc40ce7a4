import { describe, expect, it } from "vitest";
import { wholesaleMao } from "../../src/index.js";

// Hand-worked cases of the "70% rule": MAO = ARV × k − repairs − fee (k = 0.70 unless given).
// Sources: seed 001 (P-UNDERWRITE-1 formula "(ARV × 0.70) − repairs − fee" and its "Underwriting
// Result" inputs ARV 100000, repairs 10000, fee 10000 — the seed prints MAO 60000 there, which does not
// follow from its own formula; the formula gives 50000) and the 70 % rule as commonly taught for
// wholesaling (e.g. BiggerPockets, "The 70% Rule"). All amounts are USD; minor units = cents.
describe("wholesaleMao", () => {
  it("should apply the seed's formula to its example inputs: 100,000 × 0.70 − 10,000 − 10,000 = 50,000", () => {
    // 100,000.00 × 0.70 = 70,000.00; 70,000 − 10,000 − 10,000 = 50,000.00
    const r = wholesaleMao({ arv_minor: 10_000_000, repairs_minor: 1_000_000, fee_minor: 1_000_000 });
    expect(r.outputs).toEqual({ arv_times_k_minor: 7_000_000, mao_minor: 5_000_000, viable: true });
    expect(r.inputs).toEqual({
      arv_minor: 10_000_000,
      repairs_minor: 1_000_000,
      fee_minor: 1_000_000,
      k: "0.70",
    });
    expect(r.formula).toContain("MAO = ARV × k − repairs − fee");
  });

  it("should default the fee to 0: 250,000 × 0.70 − 40,000 = 135,000", () => {
    // 250,000 × 0.70 = 175,000; 175,000 − 40,000 − 0 = 135,000
    const r = wholesaleMao({ arv_minor: 25_000_000, repairs_minor: 4_000_000 });
    expect(r.outputs.mao_minor).toBe(13_500_000);
    expect(r.inputs.fee_minor).toBe(0);
  });

  it("should use a custom k: 180,000 × 0.65 − 25,000 − 5,000 = 87,000", () => {
    // 180,000 × 0.65 = 117,000; 117,000 − 25,000 − 5,000 = 87,000
    const r = wholesaleMao({
      arv_minor: 18_000_000,
      repairs_minor: 2_500_000,
      fee_minor: 500_000,
      k: "0.65",
    });
    expect(r.outputs).toEqual({ arv_times_k_minor: 11_700_000, mao_minor: 8_700_000, viable: true });
  });

  it("should round ARV × k once, half away from zero", () => {
    // 1,234.57 × 0.70 = 864.199 → 864.20 (86,419.9 cents → 86,420)
    expect(wholesaleMao({ arv_minor: 123_457, repairs_minor: 0 }).outputs.arv_times_k_minor).toBe(86_420);
    // 1,234.55 × 0.70 = 864.185 → exactly half a cent → away from zero → 864.19 (86,419)
    expect(wholesaleMao({ arv_minor: 123_455, repairs_minor: 0 }).outputs.arv_times_k_minor).toBe(86_419);
  });

  it("should report a negative MAO as not viable: 50,000 × 0.70 − 30,000 − 10,000 = −5,000", () => {
    // 35,000 − 30,000 − 10,000 = −5,000
    const r = wholesaleMao({ arv_minor: 5_000_000, repairs_minor: 3_000_000, fee_minor: 1_000_000 });
    expect(r.outputs).toEqual({ arv_times_k_minor: 3_500_000, mao_minor: -500_000, viable: false });
  });

  it("should reject a k above 1 and a fractional amount, naming the input", () => {
    expect(() => wholesaleMao({ arv_minor: 100, repairs_minor: 0, k: "1.5" })).toThrow(/'k'/);
    expect(() => wholesaleMao({ arv_minor: 100.5, repairs_minor: 0 })).toThrow(/'arv_minor'/);
    expect(() => wholesaleMao({ arv_minor: 100, repairs_minor: -1 })).toThrow(/'repairs_minor'/);
  });
});
