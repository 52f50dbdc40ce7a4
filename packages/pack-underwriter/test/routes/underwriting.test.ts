import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, createProperty, makeHost } from "../fixtures/http.js";

const PROBLEM = "https://valhalla.dev/problems/";
let host: Host;
let id: string;
beforeEach(async () => {
  host = await makeHost();
  // Repairs 20,000 (8,000 + 12,000), rent 1,500/month, neighborhood 70; ARV 200,000 set on 2026-01-03.
  id = (await createProperty(host)).id;
  await call(host, "POST", `/underwriter/properties/${id}/arv`, { arv: "200000" });
});
afterEach(async () => {
  await host.close();
});

const underwrite = (body: unknown, pid = id) =>
  call(host, "POST", `/underwriter/properties/${pid}/underwrite`, body);

describe("POST /underwriter/properties/:id/underwrite", () => {
  it("should compute MAO from the property's intel and store the run", async () => {
    // 200,000 × 0.70 − 20,000 − 5,000 = 115,000
    const res = await underwrite({ mode: "mao", fee: "5000" });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^uw_/);
    expect(res.body).toMatchObject({ property_id: id, deal_id: null, mode: "mao", currency: "USD" });
    expect(res.body.inputs).toEqual({
      arv_minor: 20_000_000,
      repairs_minor: 2_000_000,
      fee_minor: 500_000,
      k: "0.70",
    });
    expect(res.body.outputs.mao_minor).toBe(11_500_000);
    expect(res.body.formula).toContain("MAO = ARV × k − repairs − fee");
  });

  it("should let the body override ARV, repairs and k", async () => {
    // 100,000 × 0.65 − 10,000 − 0 = 55,000
    const res = await underwrite({ mode: "mao", arv: "100000", repairs: "10000", k: "0.65" });
    expect(res.status).toBe(201);
    expect(res.body.outputs.mao_minor).toBe(5_500_000);
  });

  it("should run BRRRR, rental and breakeven modes", async () => {
    // BRRRR: 200,000 × 0.75 − 20,000 − 3,000 = 127,000
    const b = await underwrite({ mode: "brrrr", closing: "3000" });
    expect(b.status).toBe(201);
    expect(b.body.outputs.max_offer_minor).toBe(12_700_000);
    // Rental: rent 1,500 from intel; repairs 20,000 from intel count into cash invested
    const r = await underwrite({ mode: "rental", purchase_price: "150000", interest_rate: "0.06" });
    expect(r.status).toBe(201);
    expect(r.body.inputs.rent_monthly_minor).toBe(150_000);
    expect(r.body.outputs.monthly_payment_minor).toBe(71_946);
    expect(r.body.outputs.total_cash_invested_minor).toBe(3_000_000 + 2_000_000);
    // Rates come back as they go in: 4-place fraction strings, equal to the deprecated bps fields.
    for (const [rate, bps] of [
      ["cap_rate", "cap_rate_bps"],
      ["cash_on_cash", "cash_on_cash_bps"],
    ] as const) {
      expect(r.body.outputs[rate]).toMatch(/^-?\d\.\d{4}$/);
      expect(Math.round(Number(r.body.outputs[rate]) * 10_000)).toBe(r.body.outputs[bps]);
    }
    // Break-even: (120,000 + 20,000) / 0.92 = 152,173.913… → 152,173.92
    const e = await underwrite({ mode: "breakeven", purchase_price: "120000" });
    expect(e.status).toBe(201);
    expect(e.body.outputs.break_even_arv_minor).toBe(15_217_392);
    expect(e.body.outputs.sensitivity.rows).toHaveLength(7);
    expect(Math.round(Number(e.body.outputs.cushion) * 10_000)).toBe(e.body.outputs.cushion_bps);
  });

  it("should answer 422 naming arv when the property has no ARV and the body gives none", async () => {
    const bare = await createProperty(host);
    const res = await underwrite({ mode: "mao" }, bare.id);
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEM}intel-missing`);
    expect(res.body.errors[0].field).toBe("arv");
  });

  it("should answer 422 naming rent_monthly when rental mode has no rent", async () => {
    const noRent = await createProperty(host, { rent_monthly: null });
    const res = await underwrite({ mode: "rental", purchase_price: "100000" }, noRent.id);
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("rent_monthly");
  });

  describe("periodic amounts named by their period (#17)", () => {
    const rental = (over: Record<string, string>) =>
      underwrite({ mode: "rental", purchase_price: "150000", interest_rate: "0.06", ...over });

    it("should take operating_expenses_monthly, other_income_monthly and rent_monthly as monthly amounts", async () => {
      const res = await rental({
        rent_monthly: "1600",
        other_income_monthly: "50",
        operating_expenses_monthly: "300",
      });
      expect(res.status).toBe(201);
      expect(res.body.inputs).toMatchObject({
        rent_monthly_minor: 160_000,
        other_income_monthly_minor: 5_000,
        operating_expenses_monthly_minor: 30_000,
      });
      // 300 a month → 3,600 a year
      expect(res.body.outputs.operating_expenses_annual_minor).toBe(360_000);
    });

    it("should still accept the deprecated names as the same monthly amounts", async () => {
      const old = await rental({ rent: "1600", other_income: "50", operating_expenses: "300" });
      const now = await rental({
        rent_monthly: "1600",
        other_income_monthly: "50",
        operating_expenses_monthly: "300",
      });
      expect(old.status).toBe(201);
      expect(old.body.inputs).toEqual(now.body.inputs);
      expect(old.body.outputs).toEqual(now.body.outputs);
      const same = await rental({ operating_expenses: "300", operating_expenses_monthly: "300.00" });
      expect(same.status).toBe(201);
    });

    it("should answer 400 naming the alias when both names disagree", async () => {
      const res = await rental({ operating_expenses: "300", operating_expenses_monthly: "250" });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: "operating_expenses", pointer: "/body/operating_expenses" }),
      ]);
    });

    it("should document the monthly names and mark the old ones deprecated in OpenAPI", async () => {
      const doc = (await call(host, "GET", "/openapi.json")).body;
      const body =
        doc.paths["/underwriter/properties/{id}/underwrite"].post.requestBody.content["application/json"]
          .schema;
      const rentalSchema = (body.anyOf ?? body.oneOf).find(
        (s: { properties: { mode: { const?: string } } }) => s.properties.mode.const === "rental",
      );
      expect(rentalSchema.properties.operating_expenses_monthly.description).toContain("A monthly amount");
      expect(rentalSchema.properties.operating_expenses).toMatchObject({ deprecated: true });
      expect(rentalSchema.properties.operating_expenses.description).toContain(
        "Deprecated alias of `operating_expenses_monthly`",
      );
      expect(rentalSchema.properties.rent).toMatchObject({ deprecated: true });
    });
  });

  it.each([
    ["an unknown mode", { mode: "flip" }, "mode"],
    ["a missing mode", { fee: "1" }, "mode"],
    ["a k above 1", { mode: "mao", k: "1.2" }, "k"],
    ["a float fee", { mode: "mao", fee: 5000 }, "fee"],
    ["a field of another mode", { mode: "mao", ltv: "0.75" }, "ltv"],
    ["rental without a price", { mode: "rental" }, "purchase_price"],
    ["a term beyond 600 months", { mode: "rental", purchase_price: "1", term_months: 601 }, "term_months"],
    ["breakeven with a negative price", { mode: "breakeven", purchase_price: "-5" }, "purchase_price"],
  ])("should answer 400 naming the field for %s", async (_name, body, field) => {
    const res = await underwrite(body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("should answer 422 when a selling cost rate of 1 makes break-even undefined", async () => {
    const res = await underwrite({ mode: "breakeven", purchase_price: "1", selling_cost_rate: "1" });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe(`${PROBLEM}calculation-invalid`);
    expect(res.body.detail).toContain("selling_cost_rate");
  });

  it("should answer 404 for an unknown property", async () => {
    const res = await underwrite({ mode: "mao" }, "prop_nope");
    expect(res.status).toBe(404);
  });
});

describe("GET /underwriter/properties/:id/runs", () => {
  it("should list the run history newest first, filtered by mode", async () => {
    await underwrite({ mode: "mao" });
    await underwrite({ mode: "brrrr" });
    await underwrite({ mode: "mao", fee: "1000" });
    const all = await call(host, "GET", `/underwriter/properties/${id}/runs`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { mode: string }) => r.mode)).toEqual(["mao", "brrrr", "mao"]);
    expect(all.body.items[0].inputs.fee_minor).toBe(100_000);
    const mao = await call(host, "GET", `/underwriter/properties/${id}/runs?mode=mao`);
    expect(mao.body.items).toHaveLength(2);
    const bad = await call(host, "GET", `/underwriter/properties/${id}/runs?mode=flip`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("mode");
    expect((await call(host, "GET", "/underwriter/properties/prop_nope/runs")).status).toBe(404);
  });
});

describe("GET /underwriter/properties/:id/risk", () => {
  it("should explain the score factor by factor", async () => {
    // neighborhood 70 → 30 × 30 / 100 = 9; repairs 20,000 / 200,000 = 1,000 bps → 6.25 → 6;
    // no flags 0; ARV set today 0; rent known 0 → 15, low
    const res = await call(host, "GET", `/underwriter/properties/${id}/risk`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      property_id: id,
      model: "risk_v1",
      score: 15,
      level: "low",
      warnings: [],
    });
    expect(res.body.factors.map((f: { factor: string; points: number }) => [f.factor, f.points])).toEqual([
      ["neighborhood", 9],
      ["repairs_to_arv", 6],
      ["legal_flags", 0],
      ["arv_freshness", 0],
      ["rent_data", 0],
    ]);
  });

  it("should warn about legal flags and 404 an unknown property", async () => {
    await call(host, "PATCH", `/underwriter/properties/${id}`, { legal_flags: ["tax lien"] });
    const res = await call(host, "GET", `/underwriter/properties/${id}/risk`);
    expect(res.body.score).toBe(25);
    expect(res.body.warnings).toEqual(["Legal flag: tax lien"]);
    expect((await call(host, "GET", "/underwriter/properties/prop_nope/risk")).status).toBe(404);
  });
});
