import { describe, expect, it } from "vitest";
import { amortizedPayment } from "../../src/index.js";

// payment = P × r × (1 + r)^n / ((1 + r)^n − 1), r = annual / 12. Expected values are the standard
// published figures for these loans (any mortgage amortization table, e.g. the CFPB/Bankrate
// calculators), re-derived to 20+ digits with Python's decimal module:
//   200,000 @ 6.5 %/30y → 1,264.13605 → 1,264.14      100,000 @ 6 %/30y → 599.55053 → 599.55
//   250,000 @ 5 %/15y   → 1,976.98407 → 1,976.98      10,000 @ 12 %/1y  → 888.48789 → 888.49
//   300,000 @ 7 %/30y   → 1,995.90749 → 1,995.91      150,000 @ 0 %/30y → 416.6667  → 416.67
describe("amortizedPayment", () => {
  it("should give 1,264.14 for 200,000 at 6.5% over 30 years", () => {
    const r = amortizedPayment({ principal_minor: 20_000_000, annual_rate: "0.065", term_months: 360 });
    expect(r.outputs.monthly_payment_minor).toBe(126_414);
    // total = 1,264.14 × 360 = 455,090.40; interest = 455,090.40 − 200,000 = 255,090.40
    expect(r.outputs.total_paid_minor).toBe(45_509_040);
    expect(r.outputs.total_interest_minor).toBe(25_509_040);
  });

  it("should give 599.55 for 100,000 at 6% over 30 years", () => {
    expect(
      amortizedPayment({ principal_minor: 10_000_000, annual_rate: "0.06", term_months: 360 }).outputs
        .monthly_payment_minor,
    ).toBe(59_955);
  });

  it("should give 1,976.98 for 250,000 at 5% over 15 years", () => {
    expect(
      amortizedPayment({ principal_minor: 25_000_000, annual_rate: "0.05", term_months: 180 }).outputs
        .monthly_payment_minor,
    ).toBe(197_698);
  });

  it("should give 888.49 for 10,000 at 12% over 12 months", () => {
    // r = 1 % a month: 10,000 × 0.01 × 1.01^12 / (1.01^12 − 1) = 888.4879 → 888.49
    expect(
      amortizedPayment({ principal_minor: 1_000_000, annual_rate: "0.12", term_months: 12 }).outputs
        .monthly_payment_minor,
    ).toBe(88_849);
  });

  it("should give 1,995.91 for 300,000 at 7% over 30 years", () => {
    expect(
      amortizedPayment({ principal_minor: 30_000_000, annual_rate: "0.07", term_months: 360 }).outputs
        .monthly_payment_minor,
    ).toBe(199_591);
  });

  it("should divide evenly at a zero rate: 150,000 / 360 = 416.666… → 416.67", () => {
    const r = amortizedPayment({ principal_minor: 15_000_000, annual_rate: "0", term_months: 360 });
    expect(r.outputs.monthly_payment_minor).toBe(41_667);
  });

  it("should reject a term outside 1–600 months", () => {
    expect(() => amortizedPayment({ principal_minor: 1, annual_rate: "0.05", term_months: 0 })).toThrow(
      /'term_months'/,
    );
  });
});
