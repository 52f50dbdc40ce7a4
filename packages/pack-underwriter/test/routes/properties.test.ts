import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UnderwriterContext } from "../../src/storage.js";
import { call, createProperty, makeHost, propertyBody } from "../fixtures/http.js";

const PROBLEM = "https://valhalla.dev/problems/";
let host: Host;
beforeEach(async () => {
  host = await makeHost();
});
afterEach(async () => {
  await host.close();
});

describe("POST /underwriter/properties", () => {
  it("should create a property with intel in minor units and repairs totalled", async () => {
    const res = await call(host, "POST", "/underwriter/properties", propertyBody());
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^prop_/);
    expect(res.body.address).toEqual({
      street: "123 Main St",
      unit: null,
      city: "Columbus",
      region: "OH",
      postal_code: "43215",
      country: "US",
    });
    expect(res.body.currency).toBe("USD");
    expect(res.body.deal_id).toBeNull();
    expect(res.body.intel).toEqual({
      arv: null,
      repairs: [
        { label: "Roof", category: "exterior", amount_minor: 800_000 },
        { label: "Kitchen", category: null, amount_minor: 1_200_000 },
      ],
      repairs_total_minor: 2_000_000,
      rent_monthly_minor: 150_000,
      neighborhood_score: 70,
      legal_flags: [],
    });
    expect(res.headers.get("location")).toBe(`/underwriter/properties/${res.body.id}`);
    expect(res.headers.get("etag")).toBe('"1"');
  });

  it("should keep repairs null when no estimate was given", async () => {
    const { repairs: _r, ...body } = propertyBody();
    const res = await call(host, "POST", "/underwriter/properties", body);
    expect(res.status).toBe(201);
    expect(res.body.intel.repairs).toBeNull();
    expect(res.body.intel.repairs_total_minor).toBeNull();
  });

  it.each([
    ["type", { type: "castle" }, "type"],
    ["missing street", { address: { city: "X", region: "OH", postal_code: "1" } }, "address.street"],
    ["score above 100", { neighborhood_score: 101 }, "neighborhood_score"],
    ["fractional beds", { beds: 2.5 }, "beds"],
    ["third of a bath", { baths: 1.3 }, "baths"],
    ["float repair amount", { repairs: [{ label: "Roof", amount: 8000.5 }] }, "repairs.0.amount"],
    ["negative rent", { rent_monthly: "-1.00" }, "rent_monthly"],
    ["unknown field", { price: "1" }, "price"],
    ["bad currency", { currency: "XXY" }, "currency"],
  ])("should answer 400 naming the field for %s", async (_name, over, field) => {
    const res = await call(host, "POST", "/underwriter/properties", propertyBody(over));
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("should answer 400 naming the repair item when an amount is finer than the currency allows", async () => {
    const res = await call(
      host,
      "POST",
      "/underwriter/properties",
      propertyBody({ currency: "JPY", repairs: [{ label: "Roof", amount: "100.5" }], rent_monthly: null }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("repairs.0.amount");
  });
});

describe("GET /underwriter/properties", () => {
  it("should list properties filtered by type, with pagination", async () => {
    await createProperty(host);
    await createProperty(host, { type: "condo" });
    await createProperty(host, { type: "condo" });
    const condos = await call(host, "GET", "/underwriter/properties?type=condo&limit=1");
    expect(condos.status).toBe(200);
    expect(condos.body.items).toHaveLength(1);
    expect(condos.body.items[0].type).toBe("condo");
    const next = await call(
      host,
      "GET",
      `/underwriter/properties?type=condo&limit=1&cursor=${condos.body.next_cursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].id).not.toBe(condos.body.items[0].id);
    expect(next.body.next_cursor).toBeNull();
  });

  it("should answer 400 for an unknown type filter", async () => {
    const res = await call(host, "GET", "/underwriter/properties?type=castle");
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("type");
  });
});

describe("GET/PATCH/DELETE /underwriter/properties/:id", () => {
  it("should get a property and 404 an unknown id", async () => {
    const p = await createProperty(host);
    const got = await call(host, "GET", `/underwriter/properties/${p.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(p.id);
    const missing = await call(host, "GET", "/underwriter/properties/prop_nope");
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe(`${PROBLEM}not-found`);
  });

  it("should patch facts and intel, and replace repair line items", async () => {
    const p = await createProperty(host);
    const res = await call(host, "PATCH", `/underwriter/properties/${p.id}`, {
      beds: 4,
      repairs: [{ label: "Paint", amount: "2500.50" }],
      legal_flags: ["open permit"],
      neighborhood_score: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.beds).toBe(4);
    expect(res.body.intel.repairs).toEqual([{ label: "Paint", category: null, amount_minor: 250_050 }]);
    expect(res.body.intel.repairs_total_minor).toBe(250_050);
    expect(res.body.intel.legal_flags).toEqual(["open permit"]);
    expect(res.body.intel.neighborhood_score).toBeNull();
    expect(res.body.intel.rent_monthly_minor).toBe(150_000);
    expect(res.headers.get("etag")).toBe('"2"');
  });

  it("should answer 412 for a stale If-Match and 400 for an empty or bad patch", async () => {
    const p = await createProperty(host);
    const stale = await call(
      host,
      "PATCH",
      `/underwriter/properties/${p.id}`,
      { beds: 2 },
      { "if-match": '"9"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe(`${PROBLEM}stale-revision`);
    const empty = await call(host, "PATCH", `/underwriter/properties/${p.id}`, {});
    expect(empty.status).toBe(400);
    const arv = await call(host, "PATCH", `/underwriter/properties/${p.id}`, { arv: "1" });
    expect(arv.status).toBe(400);
    expect(arv.body.errors[0].field).toBe("arv");
    const unknown = await call(host, "PATCH", "/underwriter/properties/prop_nope", { beds: 2 });
    expect(unknown.status).toBe(404);
  });

  it("should delete a property with its ARV history and runs, and 404 it afterwards", async () => {
    const p = await createProperty(host);
    await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "100000" });
    await call(host, "POST", `/underwriter/properties/${p.id}/underwrite`, { mode: "mao" });
    const other = await createProperty(host);
    await call(host, "POST", `/underwriter/properties/${other.id}/arv`, { arv: "90000" });
    const del = await call(host, "DELETE", `/underwriter/properties/${p.id}`);
    expect(del.status).toBe(204);
    const store = host.registry.context("underwriter").storage as UnderwriterContext["storage"];
    expect(await store.arv_history.count({ property_id: p.id })).toBe(0);
    expect(await store.runs.count({ property_id: p.id })).toBe(0);
    expect(await store.arv_history.count({ property_id: other.id })).toBe(1);
    expect((await call(host, "GET", `/underwriter/properties/${p.id}`)).status).toBe(404);
    expect((await call(host, "DELETE", `/underwriter/properties/${p.id}`)).status).toBe(404);
  });
});

describe("POST/GET /underwriter/properties/:id/arv", () => {
  it("should set the ARV with notes, keep history, and keep a newer ARV current over a back-dated one", async () => {
    const p = await createProperty(host);
    const first = await call(host, "POST", `/underwriter/properties/${p.id}/arv`, {
      arv: "200000",
      notes: "3 comps within 0.5 mi",
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      property_id: p.id,
      amount_minor: 20_000_000,
      currency: "USD",
      as_of: "2026-01-03",
      notes: "3 comps within 0.5 mi",
      source: "manual",
      current: true,
    });
    const older = await call(host, "POST", `/underwriter/properties/${p.id}/arv`, {
      arv: "180000.00",
      as_of: "2025-11-01",
      source: "BPO",
    });
    expect(older.status).toBe(201);
    expect(older.body.current).toBe(false);

    const prop = await call(host, "GET", `/underwriter/properties/${p.id}`);
    expect(prop.body.intel.arv).toMatchObject({
      amount_minor: 20_000_000,
      as_of: "2026-01-03",
      arv_id: first.body.id,
    });

    const history = await call(host, "GET", `/underwriter/properties/${p.id}/arv`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((r: { amount_minor: number }) => r.amount_minor)).toEqual([
      18_000_000, 20_000_000,
    ]);
  });

  it("should answer 400 naming arv for a float or a bad date, and 404 for an unknown property", async () => {
    const p = await createProperty(host);
    const float = await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: 200000.5 });
    expect(float.status).toBe(400);
    expect(float.body.errors[0].field).toBe("arv");
    const date = await call(host, "POST", `/underwriter/properties/${p.id}/arv`, {
      arv: "1",
      as_of: "2026-02-30",
    });
    expect(date.status).toBe(400);
    expect(date.body.errors[0].field).toBe("as_of");
    const missing = await call(host, "POST", "/underwriter/properties/prop_nope/arv", { arv: "1" });
    expect(missing.status).toBe(404);
    expect((await call(host, "GET", "/underwriter/properties/prop_nope/arv")).status).toBe(404);
  });
});
