import { describe, expect, it } from "vitest";
import { flip } from "../../src/index.js";

// Fix-and-flip, worked by hand (interest-only loan, the usual hard-money shape):
//   loan = purchase × purchase financed + rehab × rehab financed; points = loan × points rate;
//   interest = loan × rate × months / 12; holding = monthly costs × months; selling = sale × rate;
//   total cost = purchase + rehab + closing + points + interest + holding + selling; profit = sale − total;
//   cash invested = (purchase + rehab − loan) + closing + points + interest + holding; ROI = profit / cash.
describe("flip", () => {
  it("should work an all-cash flip", () => {
    // 100,000 + 30,000 rehab, sells 180,000; 4 months × 500; closing 2,000; selling 8 % = 14,400.
    // total = 100,000 + 30,000 + 2,000 + 2,000 + 14,400 = 148,400; profit = 31,600
    // cash = 130,000 + 2,000 + 2,000 = 134,000; ROI = 31,600 / 134,000 = 0.23582… → 0.2358
    // annualized = 0.23582 × 12 / 4 = 0.70746… → 0.7075; margin = 31,600 / 180,000 = 0.17555… → 0.1756
    const r = flip({
      purchase_price_minor: 10_000_000,
      rehab_minor: 3_000_000,
      sale_price_minor: 18_000_000,
      purchase_closing_minor: 200_000,
      holding_months: 4,
      holding_costs_monthly_minor: 50_000,
    });
    expect(r.outputs).toEqual({
      loan_minor: 0,
      down_payment_minor: 13_000_000,
      points_minor: 0,
      interest_minor: 0,
      holding_costs_minor: 200_000,
      selling_costs_minor: 1_440_000,
      total_cost_minor: 14_840_000,
      profit_minor: 3_160_000,
      cash_invested_minor: 13_400_000,
      roi: "0.2358",
      annualized_roi: "0.7075",
      profit_margin: "0.1756",
    });
  });

  it("should work a hard-money flip: 90% of purchase, all rehab, 12%, 2 points, 6 months", () => {
    // loan = 135,000 + 50,000 = 185,000; points = 3,700; interest = 185,000 × 0.12 × 6 / 12 = 11,100
    // holding 6 × 400 = 2,400; closing 3,000; selling 6 % × 260,000 = 15,600
    // total = 150,000 + 50,000 + 3,000 + 3,700 + 11,100 + 2,400 + 15,600 = 235,800; profit = 24,200
    // cash = 15,000 + 3,000 + 3,700 + 11,100 + 2,400 = 35,200; ROI = 0.6875 exactly; annualized 1.3750
    const r = flip({
      purchase_price_minor: 15_000_000,
      rehab_minor: 5_000_000,
      sale_price_minor: 26_000_000,
      purchase_closing_minor: 300_000,
      purchase_financed_rate: "0.90",
      rehab_financed_rate: "1",
      interest_rate: "0.12",
      points_rate: "0.02",
      holding_months: 6,
      holding_costs_monthly_minor: 40_000,
      selling_cost_rate: "0.06",
    });
    expect(r.outputs).toMatchObject({
      loan_minor: 18_500_000,
      down_payment_minor: 1_500_000,
      points_minor: 370_000,
      interest_minor: 1_110_000,
      selling_costs_minor: 1_560_000,
      total_cost_minor: 23_580_000,
      profit_minor: 2_420_000,
      cash_invested_minor: 3_520_000,
      roi: "0.6875",
      annualized_roi: "1.3750",
      profit_margin: "0.0931",
    });
  });

  it("should show a loss as negative profit and ROI", () => {
    // 200,000 + 60,000, sells 250,000, 3 months × 1,000, selling 8 % = 20,000
    // total = 283,000; profit = −33,000; cash = 263,000; ROI = −0.12547… → −0.1255; margin −0.1320
    const r = flip({
      purchase_price_minor: 20_000_000,
      rehab_minor: 6_000_000,
      sale_price_minor: 25_000_000,
      holding_months: 3,
      holding_costs_monthly_minor: 100_000,
    });
    expect(r.outputs).toMatchObject({
      total_cost_minor: 28_300_000,
      profit_minor: -3_300_000,
      cash_invested_minor: 26_300_000,
      roi: "-0.1255",
      annualized_roi: "-0.5019",
      profit_margin: "-0.1320",
    });
  });

  it("should round each product once, half away from zero", () => {
    // loan = 99,999.99 × 0.80 = 79,999.992 → 79,999.99; points 1.5 % = 1,199.99985 → 1,200.00
    // interest = 79,999.99 × 0.105 × 5 / 12 = 3,499.9995625 → 3,500.00; selling 7 % × 140,000 = 9,800
    // total = 99,999.99 + 1,200 + 3,500 + 9,800 = 114,499.99; profit = 25,500.01
    // cash = 20,000.00 + 1,200 + 3,500 = 24,700.00; ROI = 1.03239… → 1.0324
    const r = flip({
      purchase_price_minor: 9_999_999,
      rehab_minor: 0,
      sale_price_minor: 14_000_000,
      purchase_financed_rate: "0.80",
      interest_rate: "0.105",
      points_rate: "0.015",
      holding_months: 5,
      selling_cost_rate: "0.07",
    });
    expect(r.outputs).toMatchObject({
      loan_minor: 7_999_999,
      points_minor: 120_000,
      interest_minor: 350_000,
      selling_costs_minor: 980_000,
      total_cost_minor: 11_449_999,
      profit_minor: 2_550_001,
      cash_invested_minor: 2_470_000,
      roi: "1.0324",
      profit_margin: "0.1821",
    });
  });

  it("should charge no interest over zero months and give no annualized ROI", () => {
    // loan 50,000 (all of purchase), 3 points = 1,500; selling 8 % × 80,000 = 6,400
    // total = 50,000 + 10,000 + 1,500 + 6,400 = 67,900; profit 12,100; cash = 10,000 + 1,500 = 11,500
    // ROI = 1.05217… → 1.0522
    const r = flip({
      purchase_price_minor: 5_000_000,
      rehab_minor: 1_000_000,
      sale_price_minor: 8_000_000,
      purchase_financed_rate: "1",
      interest_rate: "0.10",
      points_rate: "0.03",
      holding_months: 0,
    });
    expect(r.outputs).toMatchObject({
      interest_minor: 0,
      points_minor: 150_000,
      profit_minor: 1_210_000,
      cash_invested_minor: 1_150_000,
      roi: "1.0522",
      annualized_roi: null,
    });
    expect(r.inputs.selling_cost_rate).toBe("0.08");
  });

  it("should reject a financed share above 1 and a bad holding period naming them", () => {
    const base = { purchase_price_minor: 1, rehab_minor: 0, sale_price_minor: 1 };
    expect(() => flip({ ...base, purchase_financed_rate: "1.1" })).toThrow(/'purchase_financed_rate'/);
    expect(() => flip({ ...base, holding_months: 1.5 })).toThrow(/'holding_months'/);
  });
});
