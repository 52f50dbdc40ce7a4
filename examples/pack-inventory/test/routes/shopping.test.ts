import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, inventoryHost } from "../helpers.js";

describe("inventory shopping list", () => {
  let host: Host;
  beforeEach(async () => {
    host = await inventoryHost({ timezone: "Europe/Berlin", now: () => new Date("2025-03-01T23:30:00Z") });
  });
  afterEach(() => host.close());

  const add = async (body: Record<string, unknown>) => (await call(host, "POST", "/inventory", body)).body;

  it("should push only low items, with the quantity needed to restock", async () => {
    const towels = await add({
      name: "Paper towels",
      quantity: 2,
      unit: "rolls",
      low_threshold: 3,
      restock_to: 12,
    });
    const soap = await add({ name: "Soap", quantity: 1, low_threshold: 2 });
    await add({ name: "Tea", quantity: 10, low_threshold: 2 });
    const res = await call(host, "POST", "/inventory/shopping/push");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
    const list = (await call(host, "GET", "/inventory/shopping?status=open")).body.items;
    expect(list.map((e: Record<string, unknown>) => [e.item_id, e.quantity, e.unit, e.added_on])).toEqual([
      [towels.id, 10, "rolls", "2025-03-02"],
      [soap.id, 3, "pcs", "2025-03-02"],
    ]);
  });

  it("should be idempotent: pushing twice, or concurrently, leaves one open entry per item", async () => {
    await add({ name: "Milk", quantity: 0, unit: "l", low_threshold: 1 });
    await call(host, "POST", "/inventory/shopping/push");
    const again = await call(host, "POST", "/inventory/shopping/push");
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    await Promise.all([1, 2, 3].map(() => call(host, "POST", "/inventory/shopping/push")));
    expect((await call(host, "GET", "/inventory/shopping")).body.items).toHaveLength(1);
  });

  it("should refresh the open entry when the item drops further", async () => {
    const eggs = await add({ name: "Eggs", quantity: 4, low_threshold: 6, restock_to: 12 });
    await call(host, "POST", "/inventory/shopping/push");
    await call(host, "POST", `/inventory/${eggs.id}/adjust`, { delta: -2 });
    const res = await call(host, "POST", "/inventory/shopping/push");
    expect(res.body).toMatchObject({ added: 0, updated: 1 });
    expect(res.body.items[0]).toMatchObject({ item_id: eggs.id, quantity: 10 });
  });

  it("should restock the item when an entry is bought, and refuse buying it twice", async () => {
    const rice = await add({ name: "Rice", quantity: 0.5, unit: "kg", low_threshold: 1 });
    const entry = (await call(host, "POST", "/inventory/shopping/push")).body.items[0];
    const res = await call(host, "POST", `/inventory/shopping/${entry.id}/bought`);
    expect(res.status).toBe(200);
    expect(res.body.entry).toMatchObject({ status: "bought" });
    expect(res.body.item).toMatchObject({ id: rice.id, quantity: 2, low: false });
    const twice = await call(host, "POST", `/inventory/shopping/${entry.id}/bought`);
    expect(twice.status).toBe(409);
    expect(twice.body.type).toMatch(/\/already-bought$/);
    expect((await call(host, "POST", "/inventory/shopping/push")).body).toMatchObject({ added: 0 });
  });

  it("should reject an unknown status filter naming the field", async () => {
    const res = await call(host, "GET", "/inventory/shopping?status=lost");
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("status");
  });
});
