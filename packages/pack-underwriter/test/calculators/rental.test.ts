import { describe, expect, it } from "vitest";
import { rental } from "../../src/index.js";

// Hand-worked rental cases. Definitions as in standard real-estate investing texts (e.g. Frank
// Gallinelli, "What Every Real Estate Investor Needs to Know About Cash Flow", ch. on NOI, cap rate,
// cash-on-cash, DSCR and GRM); the 1 % and 50 % rules as usually stated (BiggerPockets).
// Loan payments come from amortizedPayment (see its test for the published figures).
describe("rental", () => {
  it("should compute NOI, cap rate, cash-on-cash, DSCR and GRM for a financed single family", () => {
    // gross = 1,500 × 12 = 18,000; vacancy 5 % = 900; EGI = 17,100
    // opex = 400 × 12 = 4,800; NOI = 17,100 − 4,800 = 12,300
    // down 20 % of 150,000 = 30,000; loan 120,000 @ 6 %/30y → 719.4606 → 719.46; ADS = 8,633.52
    // cash flow = 12,300 − 8,633.52 = 3,666.48 a year → 305.54 a month
    // cap = 12,300 / 150,000 = 8.20 % (820 bps); CoC = 3,666.48 / 30,000 = 12.2216 % → 1,222 bps
    // DSCR = 12,300 / 8,633.52 = 1.424679… → 1.4247; GRM = 150,000 / 18,000 = 8.3333
    // 1 %: 1 % of 150,000 = 1,500 ≤ 1,500 → passes; 50 %: 1,500 − 750 − 719.46 = 30.54 → passes
    const r = rental({
      rent_monthly_minor: 150_000,
      purchase_price_minor: 15_000_000,
      operating_expenses_monthly_minor: 40_000,
      interest_rate: "0.06",
    });
    expect(r.outputs).toEqual({
      gross_annual_rent_minor: 1_800_000,
      vacancy_loss_minor: 90_000,
      effective_gross_income_minor: 1_710_000,
      management_minor: 0,
      operating_expenses_annual_minor: 480_000,
      noi_minor: 1_230_000,
      down_payment_minor: 3_000_000,
      loan_minor: 12_000_000,
      monthly_payment_minor: 71_946,
      annual_debt_service_minor: 863_352,
      cash_flow_annual_minor: 366_648,
      cash_flow_monthly_minor: 30_554,
      total_cash_invested_minor: 3_000_000,
      cap_rate: "0.0820",
      cash_on_cash: "0.1222",
      cap_rate_bps: 820,
      cash_on_cash_bps: 1222,
      dscr: "1.4247",
      grm: "8.3333",
      one_percent_rule: { threshold_minor: 150_000, passes: true },
      fifty_percent_rule: {
        estimated_expenses_monthly_minor: 75_000,
        estimated_cash_flow_monthly_minor: 3_054,
        passes: true,
      },
    });
    expect(r.inputs).toMatchObject({ vacancy_rate: "0.05", down_payment_rate: "0.20", term_months: 360 });
  });

  it("should handle an all-cash purchase: no debt, DSCR null, cash-on-cash on the whole outlay", () => {
    // gross 12,000, no vacancy → EGI 12,000; opex 3,600; NOI 8,400
    // invested = 80,000 + 2,000 closing + 8,000 repairs = 90,000; CoC = 8,400 / 90,000 = 9.333 % → 933 bps
    // cap = 8,400 / 80,000 = 10.5 % → 1,050 bps; GRM = 80,000 / 12,000 = 6.6667
    // 1 %: 1 % × (80,000 + 8,000) = 880 ≤ 1,000 → passes; 50 %: 1,000 − 500 − 0 = 500
    const r = rental({
      rent_monthly_minor: 100_000,
      purchase_price_minor: 8_000_000,
      vacancy_rate: "0",
      operating_expenses_monthly_minor: 30_000,
      closing_minor: 200_000,
      repairs_minor: 800_000,
      down_payment_rate: "1",
    });
    expect(r.outputs.noi_minor).toBe(840_000);
    expect(r.outputs.loan_minor).toBe(0);
    expect(r.outputs.monthly_payment_minor).toBe(0);
    expect(r.outputs.dscr).toBeNull();
    expect(r.outputs.total_cash_invested_minor).toBe(9_000_000);
    expect(r.outputs.cash_on_cash_bps).toBe(933);
    expect(r.outputs.cap_rate_bps).toBe(1050);
    expect([r.outputs.cap_rate, r.outputs.cash_on_cash]).toEqual(["0.1050", "0.0933"]);
    expect(r.outputs.grm).toBe("6.6667");
    expect(r.outputs.one_percent_rule).toEqual({ threshold_minor: 88_000, passes: true });
    expect(r.outputs.fifty_percent_rule.estimated_cash_flow_monthly_minor).toBe(50_000);
  });

  it("should apply management to EGI and flag a deal that fails DSCR, 1% and 50% rules", () => {
    // gross 24,000; vacancy 8 % = 1,920; EGI = 22,080 + 100 × 12 = 23,280
    // management 10 % × 23,280 = 2,328; opex = 500 × 12 + 2,328 = 8,328; NOI = 14,952
    // down 25 % = 62,500; loan 187,500 @ 7 %/30y → 1,247.4422 → 1,247.44; ADS = 14,969.28
    // cash flow = 14,952 − 14,969.28 = −17.28 (−1.44/month); DSCR = 14,952 / 14,969.28 = 0.99885 → 0.9988
    // cap = 14,952 / 250,000 = 5.9808 % → 598 bps; CoC = −17.28 / 62,500 = −0.0276 % → −3 bps
    // 1 %: 2,500 > 2,000 → fails; 50 %: 2,000 − 1,000 − 1,247.44 = −247.44 → fails
    const r = rental({
      rent_monthly_minor: 200_000,
      other_income_monthly_minor: 10_000,
      purchase_price_minor: 25_000_000,
      vacancy_rate: "0.08",
      management_rate: "0.10",
      operating_expenses_monthly_minor: 50_000,
      down_payment_rate: "0.25",
      interest_rate: "0.07",
    });
    expect(r.outputs.effective_gross_income_minor).toBe(2_328_000);
    expect(r.outputs.management_minor).toBe(232_800);
    expect(r.outputs.noi_minor).toBe(1_495_200);
    expect(r.outputs.monthly_payment_minor).toBe(124_744);
    expect(r.outputs.cash_flow_annual_minor).toBe(-1_728);
    expect(r.outputs.cash_flow_monthly_minor).toBe(-144);
    expect(r.outputs.dscr).toBe("0.9988");
    expect(r.outputs.cap_rate_bps).toBe(598);
    expect(r.outputs.cash_on_cash_bps).toBe(-3);
    expect([r.outputs.cap_rate, r.outputs.cash_on_cash]).toEqual(["0.0598", "-0.0003"]);
    expect(r.outputs.one_percent_rule).toEqual({ threshold_minor: 250_000, passes: false });
    expect(r.outputs.fifty_percent_rule).toEqual({
      estimated_expenses_monthly_minor: 100_000,
      estimated_cash_flow_monthly_minor: -24_744,
      passes: false,
    });
  });

  it("should round vacancy and ratios half away from zero without float drift", () => {
    // gross = 1,234.56 × 12 = 14,814.72; vacancy 5 % = 740.736 → 740.74; EGI = 14,073.98
    // all cash at 100,000: cap = 14,073.98 / 100,000 = 14.07398 % → 1,407 bps
    // GRM = 100,000 / 14,814.72 = 6.750043… → 6.7500
    const r = rental({
      rent_monthly_minor: 123_456,
      purchase_price_minor: 10_000_000,
      down_payment_rate: "1",
    });
    expect(r.outputs.gross_annual_rent_minor).toBe(1_481_472);
    expect(r.outputs.vacancy_loss_minor).toBe(74_074);
    expect(r.outputs.effective_gross_income_minor).toBe(1_407_398);
    expect(r.outputs.cap_rate_bps).toBe(1407);
    expect(r.outputs.grm).toBe("6.7500");
  });

  it("should answer null for ratios without a denominator (no rent, no price)", () => {
    // rent 0 → gross 0 → GRM undefined; price 0 → cap rate undefined; loan 0 → DSCR undefined
    const r = rental({
      rent_monthly_minor: 0,
      purchase_price_minor: 0,
      operating_expenses_monthly_minor: 10_000,
    });
    expect(r.outputs.noi_minor).toBe(-120_000);
    expect(r.outputs.grm).toBeNull();
    expect(r.outputs.cap_rate_bps).toBeNull();
    expect(r.outputs.dscr).toBeNull();
    expect(r.outputs.cash_on_cash_bps).toBeNull();
  });

  it("should reject a vacancy rate above 1, naming it", () => {
    expect(() => rental({ rent_monthly_minor: 1, purchase_price_minor: 1, vacancy_rate: "2" })).toThrow(
      /'vacancy_rate'/,
    );
  });
});
