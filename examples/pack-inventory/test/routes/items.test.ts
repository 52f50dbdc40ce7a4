import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, inventoryHost } from "../helpers.js";

describe("inventory items", () => {
  let host: Host;
  beforeEach(async () => {
    host = await inventoryHost();
  });
  afterEach(() => host.close());

  const add = (body: Record<string, unknown>) => call(host, "POST", "/inventory", body);

  it("should create an item with defaults and flag it low at its threshold", async () => {
    const res = await add({ name: "Dish soap", quantity: 1, low_threshold: 1, location: " kitchen " });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Dish soap",
      quantity: 1,
      unit: "pcs",
      low_threshold: 1,
      restock_to: null,
      location: "kitchen",
      low: true,
      rev: 1,
    });
    expect(res.body.id).toMatch(/^item_/);
    expect(res.headers.get("location")).toBe(`/inventory/${res.body.id}`);
    expect(res.headers.get("etag")).toBe('"1"');
  });

  it("should reject a negative quantity with a problem naming the field", async () => {
    const res = await add({ name: "Rice", quantity: -2, low_threshold: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain("quantity");
  });

  it("should reject a missing threshold and an unknown field", async () => {
    const res = await add({ name: "Rice", colour: "white" });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["low_threshold"]));
  });

  it("should adjust quantity and move an item in and out of the low list", async () => {
    const { body: item } = await add({ name: "Coffee", quantity: 1.5, unit: "kg", low_threshold: 0.5 });
    expect(item.low).toBe(false);
    const used = await call(host, "POST", `/inventory/${item.id}/adjust`, { delta: -1.2 });
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ quantity: 0.3, low: true, rev: 2 });
    expect((await call(host, "GET", "/inventory/low")).body.items.map((i: { id: string }) => i.id)).toEqual([
      item.id,
    ]);
    const restocked = await call(host, "POST", `/inventory/${item.id}/adjust`, { delta: 1 });
    expect(restocked.body).toMatchObject({ quantity: 1.3, low: false });
    expect((await call(host, "GET", "/inventory/low")).body.items).toEqual([]);
  });

  it("should refuse to take more than is in stock with 409 insufficient-stock", async () => {
    const { body: item } = await add({ name: "Batteries", quantity: 2, low_threshold: 4 });
    const res = await call(host, "POST", `/inventory/${item.id}/adjust`, { delta: -3 });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/\/insufficient-stock$/);
    expect(res.body.quantity).toBe(2);
    expect((await call(host, "GET", `/inventory/${item.id}`)).body.quantity).toBe(2);
  });

  it("should reject a zero delta naming the field", async () => {
    const { body: item } = await add({ name: "Salt", quantity: 1, low_threshold: 0 });
    const res = await call(host, "POST", `/inventory/${item.id}/adjust`, { delta: 0 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("delta");
  });

  it("should recompute low when the threshold is patched, and 412 on a stale If-Match", async () => {
    const { body: item } = await add({ name: "Flour", quantity: 2, unit: "kg", low_threshold: 1 });
    const res = await call(
      host,
      "PATCH",
      `/inventory/${item.id}`,
      { low_threshold: 3 },
      { "if-match": '"1"' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ low_threshold: 3, low: true, rev: 2 });
    const stale = await call(
      host,
      "PATCH",
      `/inventory/${item.id}`,
      { name: "Bread flour" },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
  });

  it("should filter by location and 404 an unknown id", async () => {
    await add({ name: "Bleach", quantity: 1, low_threshold: 1, location: "laundry" });
    await add({ name: "Tea", quantity: 5, low_threshold: 1, location: "kitchen" });
    const res = await call(host, "GET", "/inventory?location=kitchen");
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(["Tea"]);
    const missing = await call(host, "GET", "/inventory/item_missing");
    expect(missing.status).toBe(404);
    expect(missing.body.type).toMatch(/\/not-found$/);
  });

  it("should delete an item", async () => {
    const { body: item } = await add({ name: "Candles", quantity: 4, low_threshold: 1 });
    expect((await call(host, "DELETE", `/inventory/${item.id}`)).status).toBe(204);
    expect((await call(host, "GET", `/inventory/${item.id}`)).status).toBe(404);
  });
});
