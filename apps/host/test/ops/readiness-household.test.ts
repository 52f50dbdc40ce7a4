import { bills } from "@valhalla/pack-bills";
import { budget } from "@valhalla/pack-budget";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { call, testHost } from "../helpers.js";

describe("readiness with the household packs", () => {
  let host: Host;
  afterEach(() => host?.close());

  const items = async () => {
    const res = await call(host, "GET", "/readiness");
    const body = (await res.json()) as { ready: boolean; items: { id: string; ok: boolean }[] };
    return { ready: body.ready, ok: Object.fromEntries(body.items.map((i) => [i.id, i.ok])) };
  };

  it("should fail until a bill, a bucket and the house budget exist, then pass", async () => {
    host = await testHost({ packs: [bills, budget] });
    await call(host, "POST", "/boot/seed_minimum");
    const before = await items();
    expect(before.ready).toBe(false);
    expect(before.ok).toMatchObject({
      "bills.registered": false,
      "budget.buckets": false,
      "budget.house": false,
    });

    const bill = await call(host, "POST", "/bills", {
      name: "Rent",
      payee: "Landlord",
      currency: "USD",
      amount: "1500.00",
      cadence: "monthly",
      anchor_date: "2026-01-31",
    });
    expect(bill.status).toBe(201);
    const bucket = await call(host, "POST", "/budget/buckets", {
      name: "Groceries",
      type: "essentials",
      monthly_limit: "900.00",
      priority: "A",
    });
    expect(bucket.status).toBe(201);
    expect((await items()).ok).toMatchObject({
      "bills.registered": true,
      "budget.buckets": true,
      "budget.house": false,
    });
    const house = await call(host, "PUT", "/budget/house", {
      income_streams: [{ name: "Salary", monthly: "6000.00" }],
      buffer_target: "1000.00",
    });
    expect(house.status).toBe(200);
    const after = await items();
    expect(after.ok["budget.house"]).toBe(true);
    // Every pack item passes; the host's own go-live items (auth is off here) are tested elsewhere.
    const packItems = Object.entries(after.ok).filter(([id]) => !id.startsWith("host."));
    expect(packItems.filter(([, ok]) => !ok)).toEqual([]);
  });
});
