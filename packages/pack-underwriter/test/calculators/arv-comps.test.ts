import { describe, expect, it } from "vitest";
import { arvFromComps } from "../../src/index.js";

// Sales-comparison ARV, worked by hand: each comp's price moves towards the subject by
// (subject − comp) × the value of each difference; ARV = mean of adjusted prices, range = min..max.
const facts = { sqft: 1500, beds: 3, baths: 2, condition: "good" as const };
const comp = (sale_price_minor: number, over: Partial<typeof facts> | Record<string, unknown> = {}) => ({
  sale_price_minor,
  ...facts,
  ...over,
});

describe("arvFromComps", () => {
  it("should give a single identical comp's price", () => {
    const r = arvFromComps({ subject: facts, comps: [comp(20_000_000)], per_sqft_minor: 10_000 });
    expect(r.outputs).toMatchObject({
      arv_minor: 20_000_000,
      low_minor: 20_000_000,
      high_minor: 20_000_000,
      median_minor: 20_000_000,
    });
    expect(r.outputs.comps[0]).toMatchObject({ net_adjustment_minor: 0, net_adjustment_ratio: "0.0000" });
  });

  it("should adjust for size at 100.00 a square foot", () => {
    // 1,400 sqft @ 190,000 → +100 × 100 = +10,000 → 200,000; 1,600 @ 205,000 → −10,000 → 195,000;
    // 1,500 @ 200,000 → 200,000. Mean = 595,000 / 3 = 198,333.333… → 198,333.33; median 200,000.
    const r = arvFromComps({
      subject: facts,
      comps: [comp(19_000_000, { sqft: 1400 }), comp(20_500_000, { sqft: 1600 }), comp(20_000_000)],
      per_sqft_minor: 10_000,
    });
    expect(r.outputs.comps.map((c) => c.adjusted_price_minor)).toEqual([20_000_000, 19_500_000, 20_000_000]);
    expect(r.outputs).toMatchObject({
      arv_minor: 19_833_333,
      low_minor: 19_500_000,
      high_minor: 20_000_000,
      median_minor: 20_000_000,
    });
  });

  it("should adjust for beds and baths, a half bath counting half", () => {
    // Subject 3 bd / 2 ba. A: 2 bd / 2 ba @ 180,000 → +10,000 → 190,000.
    // B: 4 bd / 2.5 ba @ 215,000 → −10,000 − 2,500 → 202,500. Mean 196,250; median the same.
    const r = arvFromComps({
      subject: facts,
      comps: [
        comp(18_000_000, { beds: 2, label: "A" }),
        comp(21_500_000, { beds: 4, baths: 2.5, label: "B" }),
      ],
      per_bed_minor: 1_000_000,
      per_bath_minor: 500_000,
    });
    expect(r.outputs.comps[1]).toMatchObject({
      label: "B",
      beds_adjustment_minor: -1_000_000,
      baths_adjustment_minor: -250_000,
      net_adjustment_minor: -1_250_000,
      net_adjustment_ratio: "-0.0581", // −12,500 / 215,000 = −0.05814
      adjusted_price_minor: 20_250_000,
    });
    expect(r.outputs).toMatchObject({ arv_minor: 19_625_000, low_minor: 19_000_000, high_minor: 20_250_000 });
  });

  it("should adjust for condition steps", () => {
    // Subject good. average @ 170,000 → +1 step × 7,500 → 177,500; excellent @ 200,000 → −7,500 → 192,500;
    // poor @ 140,000 → +3 steps → 162,500. Mean = 532,500 / 3 = 177,500; range 162,500–192,500.
    const r = arvFromComps({
      subject: facts,
      comps: [
        comp(17_000_000, { condition: "average" }),
        comp(20_000_000, { condition: "excellent" }),
        comp(14_000_000, { condition: "poor" }),
      ],
      per_condition_step_minor: 750_000,
    });
    expect(r.outputs.comps.map((c) => c.condition_adjustment_minor)).toEqual([750_000, -750_000, 2_250_000]);
    expect(r.outputs).toMatchObject({
      arv_minor: 17_750_000,
      low_minor: 16_250_000,
      high_minor: 19_250_000,
      median_minor: 17_750_000,
    });
  });

  it("should combine every adjustment and round half away from zero", () => {
    // Subject 1,750 sqft, 3/2, good; 85.50 a sqft, 8,000 a bed, 5,000.01 a bath, 5,000 a step.
    // 1: 1,820 sqft 3/2.5 average @ 249,900: −70 × 85.50 = −5,985.00; −½ × 5,000.01 = −2,500.005 → −2,500.01;
    //    +1 step = +5,000 → 246,414.99
    // 2: 1,700 sqft 3/2 good @ 241,000: +50 × 85.50 = +4,275 → 245,275.00
    // Mean = 491,689.99 / 2 = 245,844.995 → 245,845.00; median (even count) the same.
    const r = arvFromComps({
      subject: { sqft: 1750, beds: 3, baths: 2, condition: "good" },
      comps: [
        { sale_price_minor: 24_990_000, sqft: 1820, beds: 3, baths: 2.5, condition: "average" },
        { sale_price_minor: 24_100_000, sqft: 1700, beds: 3, baths: 2, condition: "good" },
      ],
      per_sqft_minor: 8_550,
      per_bed_minor: 800_000,
      per_bath_minor: 500_001,
      per_condition_step_minor: 500_000,
    });
    expect(r.outputs.comps[0]).toMatchObject({
      size_adjustment_minor: -598_500,
      baths_adjustment_minor: -250_001,
      condition_adjustment_minor: 500_000,
      adjusted_price_minor: 24_641_499,
    });
    expect(r.outputs).toMatchObject({
      arv_minor: 24_584_500,
      low_minor: 24_527_500,
      high_minor: 24_641_499,
      median_minor: 24_584_500,
    });
  });

  it("should reject no comps and bad facts naming them", () => {
    expect(() => arvFromComps({ subject: facts, comps: [] })).toThrow(/'comps'/);
    expect(() => arvFromComps({ subject: facts, comps: [comp(1, { baths: 1.25 })] })).toThrow(
      /'comps.0.baths'/,
    );
  });
});
