import { describe, expect, it } from "vitest";
import { breakEven } from "../../src/index.js";

// Hand-worked break-even cases for a buy–repair–sell:
//   profit = ARV − ARV × s − price − repairs − closing − holding
//   break-even ARV = (price + repairs + closing + holding) / (1 − s), rounded UP to the cent
// Sources: the flip profit formula as in J. Scott, "The Book on Flipping Houses" (selling costs as a
// share of the sale price); the break-even is that formula solved for profit = 0.
const at = (r: ReturnType<typeof breakEven>, arvPct: number, repairsPct: number) =>
  r.outputs.sensitivity.rows
    .find((row) => row.arv_delta_pct === arvPct)!
    .cells.find((c) => c.repairs_delta_pct === repairsPct)!;

describe("breakEven", () => {
  it("should compute profit, break-even ARV and cushion with 8% selling costs", () => {
    // cost = 120,000 + 30,000 + 3,000 + 5,000 = 158,000; selling = 8 % × 200,000 = 16,000
    // profit = 200,000 − 16,000 − 158,000 = 26,000
    // break-even = 158,000 / 0.92 = 171,739.1304… → rounded up → 171,739.14
    // cushion = 200,000 − 171,739.14 = 28,260.86 = 14.13 % of ARV → 1,413 bps
    const r = breakEven({
      arv_minor: 20_000_000,
      purchase_price_minor: 12_000_000,
      repairs_minor: 3_000_000,
      closing_minor: 300_000,
      holding_minor: 500_000,
    });
    expect(r.outputs.total_cost_minor).toBe(15_800_000);
    expect(r.outputs.selling_costs_minor).toBe(1_600_000);
    expect(r.outputs.profit_minor).toBe(2_600_000);
    expect(r.outputs.break_even_arv_minor).toBe(17_173_914);
    expect(r.outputs.cushion_minor).toBe(2_826_086);
    expect(r.outputs.cushion_bps).toBe(1413);
    expect(r.outputs.cushion).toBe("0.1413");
    expect(r.inputs.selling_cost_rate).toBe("0.08");
  });

  it("should fill the sensitivity table: ARV ±5/10/15% against repairs ±10/20%", () => {
    // Same deal. ARV −15 % = 170,000, repairs +20 % = 36,000:
    //   170,000 − 13,600 − (120,000 + 3,000 + 5,000) − 36,000 = −7,600
    // ARV +15 % = 230,000, repairs −20 % = 24,000: 230,000 − 18,400 − 128,000 − 24,000 = 59,600
    // ARV ±0, repairs ±0 equals the headline profit, 26,000
    const r = breakEven({
      arv_minor: 20_000_000,
      purchase_price_minor: 12_000_000,
      repairs_minor: 3_000_000,
      closing_minor: 300_000,
      holding_minor: 500_000,
    });
    expect(r.outputs.sensitivity.arv_deltas_pct).toEqual([-15, -10, -5, 0, 5, 10, 15]);
    expect(r.outputs.sensitivity.repairs_deltas_pct).toEqual([-20, -10, 0, 10, 20]);
    expect(r.outputs.sensitivity.rows).toHaveLength(7);
    expect(at(r, -15, 20)).toEqual({
      repairs_delta_pct: 20,
      repairs_minor: 3_600_000,
      profit_minor: -760_000,
    });
    expect(at(r, 15, -20)).toEqual({
      repairs_delta_pct: -20,
      repairs_minor: 2_400_000,
      profit_minor: 5_960_000,
    });
    expect(at(r, 0, 0).profit_minor).toBe(r.outputs.profit_minor);
  });

  it("should equal total cost when there are no selling costs", () => {
    // s = 0: break-even = 100,000 + 20,000 = 120,000; profit at 150,000 = 30,000; cushion 20 % = 2,000 bps
    const r = breakEven({
      arv_minor: 15_000_000,
      purchase_price_minor: 10_000_000,
      repairs_minor: 2_000_000,
      selling_cost_rate: "0",
    });
    expect(r.outputs.break_even_arv_minor).toBe(12_000_000);
    expect(r.outputs.profit_minor).toBe(3_000_000);
    expect(r.outputs.cushion_bps).toBe(2000);
  });

  it("should report a loss and a negative cushion", () => {
    // cost = 90,000 + 10,000 = 100,000; s = 6 %; profit = 100,000 − 6,000 − 100,000 = −6,000
    // break-even = 100,000 / 0.94 = 106,382.9787… → up → 106,382.98; cushion = −6,382.98 → −638.298 bps → −638
    const r = breakEven({
      arv_minor: 10_000_000,
      purchase_price_minor: 9_000_000,
      repairs_minor: 1_000_000,
      selling_cost_rate: "0.06",
    });
    expect(r.outputs.profit_minor).toBe(-600_000);
    expect(r.outputs.break_even_arv_minor).toBe(10_638_298);
    expect(r.outputs.cushion_minor).toBe(-638_298);
    expect(r.outputs.cushion_bps).toBe(-638);
    expect(r.outputs.cushion).toBe("-0.0638");
  });

  it("should not round up an exact break-even, and profit there should be zero", () => {
    // cost 92,000 / 0.92 = 100,000 exactly; profit at 100,000 = 100,000 − 8,000 − 92,000 = 0
    const r = breakEven({ arv_minor: 10_000_000, purchase_price_minor: 8_000_000, repairs_minor: 1_200_000 });
    expect(r.outputs.break_even_arv_minor).toBe(10_000_000);
    expect(r.outputs.profit_minor).toBe(0);
  });

  it("should round scenario amounts half away from zero", () => {
    // ARV 123,456.78: ×0.95 = 117,283.941 → 117,283.94; ×1.15 = 141,975.297 → 141,975.30
    // repairs 1,111.11: ×0.80 = 888.888 → 888.89; ×1.20 = 1,333.332 → 1,333.33
    const r = breakEven({ arv_minor: 12_345_678, purchase_price_minor: 0, repairs_minor: 111_111 });
    const rows = r.outputs.sensitivity.rows;
    expect(rows.find((x) => x.arv_delta_pct === -5)!.arv_minor).toBe(11_728_394);
    expect(rows.find((x) => x.arv_delta_pct === 15)!.arv_minor).toBe(14_197_530);
    expect(at(r, 0, -20).repairs_minor).toBe(88_889);
    expect(at(r, 0, 20).repairs_minor).toBe(133_333);
  });

  it("should reject a selling cost rate of 1 or more", () => {
    expect(() =>
      breakEven({ arv_minor: 1, purchase_price_minor: 1, repairs_minor: 1, selling_cost_rate: "1" }),
    ).toThrow(/'selling_cost_rate'/);
  });
});
