import { describe, expect, it } from "vitest";
import { amortizationSchedule } from "../../src/index.js";

// Standard amortization: payment = P × r × (1 + r)^n / ((1 + r)^n − 1), r = annual / 12; each month
// interest = balance × r (rounded half away from zero to the cent), principal = payment − interest,
// and the last payment clears the balance. The small cases are worked by hand below; the 30-year
// payments and first rows match the published tables (e.g. Bankrate / CFPB amortization tables:
// 200,000 @ 6.5 % → 1,264.14 with 1,083.33 interest and 180.81 principal in month 1), and every
// figure was re-derived with Python's decimal module at 50 digits.
const sched = (principal_minor: number, annual_rate: string, term_months: number) =>
  amortizationSchedule({ principal_minor, annual_rate, term_months }).outputs;

describe("amortizationSchedule", () => {
  it("should schedule 1,000.00 at 12% over 3 months (by hand)", () => {
    // r = 0.01; payment = 1000 × 0.01 × 1.01³ / (1.01³ − 1) = 10.30301 / 0.030301 = 340.0221… → 340.02
    // m1: interest 1000.00 × 0.01 = 10.00; principal 330.02; balance 669.98
    // m2: interest 669.98 × 0.01 = 6.6998 → 6.70; principal 333.32; balance 336.66
    // m3: interest 336.66 × 0.01 = 3.3666 → 3.37; pays 336.66 + 3.37 = 340.03; balance 0
    const out = sched(100_000, "0.12", 3);
    expect(out.schedule).toEqual([
      {
        period: 1,
        payment_minor: 34_002,
        interest_minor: 1_000,
        principal_minor: 33_002,
        balance_minor: 66_998,
      },
      {
        period: 2,
        payment_minor: 34_002,
        interest_minor: 670,
        principal_minor: 33_332,
        balance_minor: 33_666,
      },
      { period: 3, payment_minor: 34_003, interest_minor: 337, principal_minor: 33_666, balance_minor: 0 },
    ]);
    expect(out).toMatchObject({
      monthly_payment_minor: 34_002,
      final_payment_minor: 34_003,
      total_interest_minor: 2_007, // 10.00 + 6.70 + 3.37
      total_paid_minor: 102_007,
    });
  });

  it("should schedule 1,000.00 at 6% over 2 months (by hand)", () => {
    // r = 0.005; payment = 1000 × 0.005 × 1.005² / (1.005² − 1) = 5.050125 / 0.010025 = 503.7531… → 503.75
    // m1: interest 5.00; principal 498.75; balance 501.25
    // m2: interest 501.25 × 0.005 = 2.50625 → 2.51; pays 501.25 + 2.51 = 503.76
    const out = sched(100_000, "0.06", 2);
    expect(out.schedule).toEqual([
      {
        period: 1,
        payment_minor: 50_375,
        interest_minor: 500,
        principal_minor: 49_875,
        balance_minor: 50_125,
      },
      { period: 2, payment_minor: 50_376, interest_minor: 251, principal_minor: 50_125, balance_minor: 0 },
    ]);
    expect(out.total_interest_minor).toBe(751);
  });

  it("should split 1,200.00 at 0% into twelve payments of 100.00 (by hand)", () => {
    const out = sched(120_000, "0", 12);
    expect(out.schedule).toHaveLength(12);
    expect(out.schedule.every((r) => r.payment_minor === 10_000 && r.interest_minor === 0)).toBe(true);
    expect(out.schedule.map((r) => r.balance_minor).slice(0, 3)).toEqual([110_000, 100_000, 90_000]);
    expect(out).toMatchObject({
      final_payment_minor: 10_000,
      total_interest_minor: 0,
      total_paid_minor: 120_000,
    });
  });

  it("should schedule 10,000.00 at 12% over 12 months", () => {
    // Payment 888.49 (published). m1: interest 100.00, principal 788.49, balance 9,211.51;
    // m2: interest 92.1151 → 92.12, principal 796.37, balance 8,415.14; last: interest 8.80, pays 888.47.
    const out = sched(1_000_000, "0.12", 12);
    expect(out.schedule[0]).toEqual({
      period: 1,
      payment_minor: 88_849,
      interest_minor: 10_000,
      principal_minor: 78_849,
      balance_minor: 921_151,
    });
    expect(out.schedule[1]).toMatchObject({
      interest_minor: 9_212,
      principal_minor: 79_637,
      balance_minor: 841_514,
    });
    expect(out.schedule[11]).toEqual({
      period: 12,
      payment_minor: 88_847,
      interest_minor: 880,
      principal_minor: 87_967,
      balance_minor: 0,
    });
    expect(out).toMatchObject({ total_interest_minor: 66_186, total_paid_minor: 1_066_186 });
  });

  it("should schedule 200,000.00 at 6.5% over 30 years to the published first rows", () => {
    const out = sched(20_000_000, "0.065", 360);
    expect(out.schedule).toHaveLength(360);
    expect(out.schedule[0]).toEqual({
      period: 1,
      payment_minor: 126_414,
      interest_minor: 108_333, // 200,000 × 0.065 / 12 = 1,083.333…
      principal_minor: 18_081,
      balance_minor: 19_981_919,
    });
    expect(out.schedule[1]).toMatchObject({ interest_minor: 108_235, principal_minor: 18_179 });
    expect(out.schedule[359]).toEqual({
      period: 360,
      payment_minor: 125_956,
      interest_minor: 679,
      principal_minor: 125_277,
      balance_minor: 0,
    });
    // The per-month roundings add up: 359 × 1,264.14 + 1,259.56 = 455,085.82.
    expect(out).toMatchObject({ total_paid_minor: 45_508_582, total_interest_minor: 25_508_582 });
  });

  it("should schedule 100,000.00 at 6% over 30 years", () => {
    // Payment 599.55 (published); m1 interest 500.00, principal 99.55; last payment 600.00.
    const out = sched(10_000_000, "0.06", 360);
    expect(out.schedule[0]).toMatchObject({
      interest_minor: 50_000,
      principal_minor: 9_955,
      balance_minor: 9_990_045,
    });
    expect(out.final_payment_minor).toBe(60_000);
    expect(out.total_interest_minor).toBe(11_583_845);
  });

  it("should reject a bad term or rate naming it", () => {
    expect(() => sched(100, "0.05", 0)).toThrow(/'term_months'/);
    expect(() => sched(100, "5%", 12)).toThrow(/'annual_rate'/);
  });
});
