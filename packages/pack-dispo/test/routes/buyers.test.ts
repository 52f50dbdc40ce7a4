import type { Host } from "@valhalla/host";
import { beforeEach, describe, expect, it } from "vitest";
import { buyer, call, dealAt, makeHost } from "../helpers.js";

const PROBLEM = "https://valhalla.dev/problems/";
const full = {
  name: "Acme Homes LLC",
  email: "deals@acme.example",
  phone: "+1 317-555-0100",
  buy_box: {
    markets: ["Indianapolis", "indianapolis", "Carmel"],
    zips: ["46201", "46202"],
    property_types: ["sfh"],
    min_price: "50000",
    max_price: "150000.50",
    strategies: ["flip", "brrrr"],
    conditions: ["medium_rehab", "heavy_rehab"],
    max_rehab: "60000",
    funding: "cash",
  },
  proof_of_funds: { amount: "250000", expires_on: "2026-06-30" },
};

describe("routes: buyers", () => {
  let host: Host;
  beforeEach(async () => {
    host = await makeHost();
  });

  it("should create a buyer with the buy box stored in minor units", async () => {
    const res = await call(host, "POST", "/dispo/buyers", full);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Acme Homes LLC",
      active: true,
      currency: "USD",
      buy_box: {
        markets: ["indianapolis", "carmel"],
        zips: ["46201", "46202"],
        min_price_minor: 5_000_000,
        max_price_minor: 15_000_050,
        max_rehab_minor: 6_000_000,
        funding: "cash",
        strategies: ["flip", "brrrr"],
      },
      proof_of_funds: { amount_minor: 25_000_000, expires_on: "2026-06-30" },
    });
    expect(res.body.id).toMatch(/^buyer_/);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/dispo/buyers/${res.body.id}`);
  });

  it("should default to an open cash buy box", async () => {
    const res = await call(host, "POST", "/dispo/buyers", { name: "Open" });
    expect(res.status).toBe(201);
    expect(res.body.buy_box).toEqual({
      markets: [],
      zips: [],
      property_types: [],
      min_price_minor: null,
      max_price_minor: null,
      strategies: [],
      conditions: [],
      max_rehab_minor: null,
      funding: "cash",
    });
  });

  it.each([
    [{}, "name"],
    [{ name: "  " }, "name"],
    [{ name: "x", email: "not-an-email" }, "email"],
    [{ name: "x", phone: "call me" }, "phone"],
    [{ name: "x", buy_box: { max_price: 100 } }, "buy_box.max_price"],
    [{ name: "x", buy_box: { min_price: "200", max_price: "100" } }, "buy_box.max_price"],
    [{ name: "x", buy_box: { max_rehab: "10.001" } }, "buy_box.max_rehab"],
    [{ name: "x", buy_box: { property_types: ["castle"] } }, "buy_box.property_types.0"],
    [{ name: "x", buy_box: { funding: "crypto" } }, "buy_box.funding"],
    [{ name: "x", buy_box: { wish: "pool" } }, "buy_box.wish"],
    [{ name: "x", proof_of_funds: { amount: "1000" } }, "proof_of_funds.expires_on"],
    [
      { name: "x", proof_of_funds: { amount: "1000", expires_on: "2026-13-01" } },
      "proof_of_funds.expires_on",
    ],
    [{ name: "x", currency: "usd" }, "currency"],
  ])("should answer 400 naming the field for %j", async (body, field) => {
    const res = await call(host, "POST", "/dispo/buyers", body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("should answer 415 for a non-JSON body and 404 for unknown buyers", async () => {
    const res = await call(host, "POST", "/dispo/buyers", "name=x", { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.body.type).toBe(`${PROBLEM}unsupported-media-type`);
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { name: "y" }],
      ["DELETE", undefined],
    ] as const) {
      const r = await call(host, method, "/dispo/buyers/buyer_missing", body);
      expect(r.status).toBe(404);
      expect(r.body.type).toBe(`${PROBLEM}not-found`);
    }
  });

  it("should list with the active filter and cursor pagination", async () => {
    await buyer(host, { name: "A" });
    await buyer(host, { name: "B", active: false });
    await buyer(host, { name: "C" });
    const active = await call(host, "GET", "/dispo/buyers?active=true");
    expect(active.body.items.map((b: any) => b.name).sort()).toEqual(["A", "C"]);
    const page1 = await call(host, "GET", "/dispo/buyers?limit=2");
    const page2 = await call(host, "GET", `/dispo/buyers?limit=2&cursor=${page1.body.next_cursor}`);
    expect([...page1.body.items, ...page2.body.items].map((b: any) => b.name).sort()).toEqual([
      "A",
      "B",
      "C",
    ]);
    expect(page2.body.next_cursor).toBeNull();
    const bad = await call(host, "GET", "/dispo/buyers?active=yes");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("active");
  });

  it("should patch, replace the buy box, clear proof of funds and answer 412 when stale", async () => {
    const b = await buyer(host, full);
    const res = await call(
      host,
      "PATCH",
      `/dispo/buyers/${b.id}`,
      { buy_box: { zips: ["46203"], funding: "financed" }, proof_of_funds: null },
      { "if-match": '"1"' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rev: 2, proof_of_funds: null, name: "Acme Homes LLC" });
    expect(res.body.buy_box).toMatchObject({
      zips: ["46203"],
      markets: [],
      funding: "financed",
      max_price_minor: null,
    });
    expect(res.headers.get("etag")).toBe('"2"');
    const stale = await call(
      host,
      "PATCH",
      `/dispo/buyers/${b.id}`,
      { active: false },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe(`${PROBLEM}stale-revision`);
    const empty = await call(host, "PATCH", `/dispo/buyers/${b.id}`, {});
    expect(empty.status).toBe(400);
  });

  it("should delete a buyer without assignments and refuse one with assignments", async () => {
    const lone = await buyer(host, { name: "Lone" });
    const del = await call(host, "DELETE", `/dispo/buyers/${lone.id}`);
    expect(del.status).toBe(204);
    expect((await call(host, "GET", `/dispo/buyers/${lone.id}`)).status).toBe(404);

    const busy = await buyer(host, { name: "Busy" });
    const deal = await dealAt(host, "contract");
    await call(host, "POST", "/dispo/assignments", { deal_id: deal.id, buyer_id: busy.id });
    const refused = await call(host, "DELETE", `/dispo/buyers/${busy.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: `${PROBLEM}buyer-has-assignments`, assignments: 1 });
  });
});
