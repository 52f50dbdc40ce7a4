import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, makeHost } from "../fixtures/http.js";

let host: Host;
beforeEach(async () => {
  host = await makeHost();
});
afterEach(async () => {
  await host.close();
});

const calc = (kind: string, body: unknown) => call(host, "POST", `/underwriter/calculate/${kind}`, body);
const fieldsOf = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field);

describe("POST /underwriter/calculate/:kind (#17)", () => {
  it("should answer a payment and full schedule for amortization", async () => {
    const res = await calc("amortization", { principal: "1000", annual_rate: "0.12", term_months: 3 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: "amortization",
      currency: "USD",
      inputs: { principal_minor: 100_000, annual_rate: "0.12", term_months: 3 },
      outputs: { monthly_payment_minor: 34_002, final_payment_minor: 34_003, total_interest_minor: 2_007 },
    });
    expect(res.body.outputs.schedule.map((r: { balance_minor: number }) => r.balance_minor)).toEqual([
      66_998, 33_666, 0,
    ]);
    expect(res.body.formula).toContain("the last payment clears the balance");
  });

  it("should work a financed flip", async () => {
    const res = await calc("flip", {
      purchase_price: "150000",
      rehab: "50000",
      sale_price: "260000",
      purchase_closing: "3000",
      purchase_financed_rate: "0.90",
      rehab_financed_rate: "1",
      interest_rate: "0.12",
      points_rate: "0.02",
      holding_months: 6,
      holding_costs_monthly: "400",
      selling_cost_rate: "0.06",
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toMatchObject({
      loan_minor: 18_500_000,
      interest_minor: 1_110_000,
      profit_minor: 2_420_000,
      cash_invested_minor: 3_520_000,
      roi: "0.6875",
    });
  });

  it("should estimate ARV with a range from adjusted comps", async () => {
    const res = await calc("arv-comps", {
      subject: { sqft: 1500, beds: 3, baths: 2, condition: "good" },
      comps: [
        { label: "A", sale_price: "180000", sqft: 1500, beds: 2, baths: 2, condition: "good" },
        { label: "B", sale_price: "215000", sqft: 1500, beds: 4, baths: 2.5, condition: "good" },
      ],
      per_bed: "10000",
      per_bath: "5000",
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs).toMatchObject({
      arv_minor: 19_625_000,
      low_minor: 19_000_000,
      high_minor: 20_250_000,
    });
    expect(res.body.outputs.comps.map((c: { label: string }) => c.label)).toEqual(["A", "B"]);
  });

  it("should run the existing mao and rental calculators, periodic amounts named by period", async () => {
    const mao = await calc("mao", { arv: "200000", repairs: "20000", fee: "5000" });
    expect(mao.status).toBe(200);
    expect(mao.body.outputs).toEqual({ arv_times_k_minor: 14_000_000, mao_minor: 11_500_000, viable: true });
    const rent = await calc("rental", {
      purchase_price: "150000",
      rent_monthly: "1500",
      operating_expenses_monthly: "300",
      interest_rate: "0.06",
    });
    expect(rent.status).toBe(200);
    expect(rent.body.inputs.operating_expenses_monthly_minor).toBe(30_000);
    // 300 × 12 = 3,600 a year
    expect(rent.body.outputs.operating_expenses_annual_minor).toBe(360_000);
    expect(rent.body.outputs.monthly_payment_minor).toBe(71_946);
  });

  it("should use the currency's minor unit", async () => {
    const res = await calc("mao", { currency: "JPY", arv: "20000000", repairs: "2000000" });
    expect(res.body).toMatchObject({ currency: "JPY", outputs: { mao_minor: 12_000_000 } });
    const bad = await calc("mao", { currency: "JPY", arv: "100.5", repairs: "0" });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(["arv"]);
  });

  it("should store nothing", async () => {
    await calc("mao", { arv: "200000", repairs: "20000" });
    const brief = await call(host, "GET", "/brief");
    const uw = brief.body.sections.find((s: { pack: string }) => s.pack === "underwriter");
    expect(uw.items).toContainEqual(expect.objectContaining({ label: "Underwriting runs", value: 0 }));
  });

  it.each([
    ["amortization", { principal: "1000", annual_rate: "12%", term_months: 3 }, "annual_rate"],
    ["amortization", { principal: "1000", annual_rate: "0.12", term_months: 0 }, "term_months"],
    ["amortization", { principal: 1000, annual_rate: "0.12", term_months: 3 }, "principal"],
    [
      "flip",
      { purchase_price: "1", rehab: "0", sale_price: "2", purchase_financed_rate: "1.5" },
      "purchase_financed_rate",
    ],
    ["flip", { purchase_price: "1", rehab: "0", sale_price: "2", holding_months: -1 }, "holding_months"],
    ["flip", { purchase_price: "1", sale_price: "2" }, "rehab"],
    ["arv-comps", { subject: { sqft: 1, beds: 1, baths: 1, condition: "good" }, comps: [] }, "comps"],
    [
      "arv-comps",
      {
        subject: { sqft: 1, beds: 1, baths: 1, condition: "mint" },
        comps: [{ sale_price: "1", sqft: 1, beds: 1, baths: 1, condition: "good" }],
      },
      "subject.condition",
    ],
    [
      "arv-comps",
      {
        subject: { sqft: 1, beds: 1, baths: 1, condition: "good" },
        comps: [{ sale_price: "1", sqft: 1, beds: 1, baths: 1.25, condition: "good" }],
      },
      "comps.0.baths",
    ],
    ["rental", { purchase_price: "1", rent_monthly: "1", operating_expenses: "1" }, "operating_expenses"],
  ])("should answer 400 problem+json naming the field for a bad %s body (%#)", async (kind, body, field) => {
    const res = await calc(kind, body);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(fieldsOf(res)).toContain(field);
  });

  it("should name a comp's sale price with too many decimals by its path", async () => {
    const res = await calc("arv-comps", {
      currency: "JPY",
      subject: { sqft: 1, beds: 1, baths: 1, condition: "good" },
      comps: [{ sale_price: "1.5", sqft: 1, beds: 1, baths: 1, condition: "good" }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({
      field: "comps.0.sale_price",
      pointer: "/body/comps/0/sale_price",
    });
  });

  it("should answer 404 for an unknown kind", async () => {
    expect((await calc("lottery", {})).status).toBe(404);
  });
});
