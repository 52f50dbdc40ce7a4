import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { billsHost, rent } from "./helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A bills host on a memory driver that counts `list` calls (every scan of a namespace). */
async function countingSetup(now: string) {
  const driver = memory();
  const counter = { lists: 0 };
  const counting = {
    ...driver,
    list: (...args: Parameters<typeof driver.list>) => {
      counter.lists++;
      return driver.list(...args);
    },
  };
  const h = await billsHost({ now, storage: counting });
  close = () => h.host.close();
  return { ...h, counter };
}

describe("bills summary cache", () => {
  it("should answer repeated upcoming and estimate reads without re-reading bills", async () => {
    const { call, counter } = await countingSetup("2026-01-15T12:00:00Z");
    await call("POST", "/bills", rent);
    await call("POST", "/bills", { ...rent, name: "Power", amount: "80.00", anchor_date: "2026-01-20" });

    const up = await call("GET", "/bills/upcoming?days=30");
    expect(up.status).toBe(200);
    expect(up.body.items.map((o: { name: string }) => o.name)).toEqual(["Power", "Rent"]);
    const est = await call("GET", "/bills/estimate?month=2026-02");
    expect(est.body.by_currency.USD).toMatchObject({ expected_minor: 158000, count: 2 });
    const afterFirst = counter.lists;
    expect(afterFirst).toBeGreaterThan(0);

    const up2 = await call("GET", "/bills/upcoming?days=30");
    const est2 = await call("GET", "/bills/estimate?month=2026-02");
    expect(up2.status).toBe(200);
    expect(up2.body).toEqual(up.body);
    expect(est2.body).toEqual(est.body);
    expect(counter.lists).toBe(afterFirst);

    // The item list is capped by `limit`; the totals still cover every bill.
    const capped = await call("GET", "/bills/estimate?month=2026-02&limit=1");
    expect(capped.body.items).toHaveLength(1);
    expect(capped.body.items_total).toBe(2);
    expect(capped.body.by_currency.USD.count).toBe(2);
    expect(counter.lists).toBe(afterFirst);
    expect((await call("GET", "/bills/estimate?limit=0")).body.errors[0].field).toBe("limit");

    // Other query parameters are other entries.
    expect((await call("GET", "/bills/upcoming?days=30&limit=1")).body.items).toHaveLength(1);
    expect(counter.lists).toBeGreaterThan(afterFirst);
  });

  it("should reflect every kind of bill write in the next read", async () => {
    const { call, setNow } = await countingSetup("2026-01-15T12:00:00Z");
    const upcoming = async () =>
      (await call("GET", "/bills/upcoming?days=45")).body.items.map(
        (o: { name: string; nominal_date: string; expected_minor: number; autopay: boolean }) =>
          `${o.name}@${o.nominal_date}:${o.expected_minor}${o.autopay ? ":auto" : ""}`,
      );
    const estimate = async () => (await call("GET", "/bills/estimate?month=2026-02")).body.by_currency;

    expect(await upcoming()).toEqual([]);
    expect(await estimate()).toEqual({});

    // create
    const b = (await call("POST", "/bills", rent)).body;
    expect(await upcoming()).toEqual(["Rent@2026-01-31:150000", "Rent@2026-02-28:150000"]);
    expect((await estimate()).USD).toMatchObject({ expected_minor: 150000, count: 1 });

    // patch
    expect((await call("PATCH", `/bills/${b.id}`, { amount: "1600.00" })).status).toBe(200);
    expect(await upcoming()).toEqual(["Rent@2026-01-31:160000", "Rent@2026-02-28:160000"]);
    expect((await estimate()).USD).toMatchObject({ expected_minor: 160000, count: 1 });

    // skip
    expect((await call("POST", `/bills/${b.id}/skip`, { date: "2026-02-28" })).status).toBe(200);
    expect(await upcoming()).toEqual(["Rent@2026-01-31:160000"]);
    expect(await estimate()).toEqual({});

    // payment
    const paid = await call("POST", `/bills/${b.id}/paid`, {
      amount: "1600.00",
      date: "2026-01-30",
      client_key: "jan",
    });
    expect(paid.status).toBe(201);
    expect(await upcoming()).toEqual([]);

    // autopay checklist step that completes the checklist turns autopay on
    const other = (
      await call("POST", "/bills", { ...rent, name: "Water", amount: "30.00", anchor_date: "2026-02-10" })
    ).body;
    expect(await upcoming()).toEqual(["Water@2026-02-10:3000"]);
    const steps = (await call("GET", `/bills/${other.id}/autopay_checklist`)).body.steps;
    for (const s of steps) await call("POST", `/bills/${other.id}/autopay_checklist/${s.step}`, {});
    expect(await upcoming()).toEqual(["Water@2026-02-10:3000:auto"]);

    // pausing through a patch drops the bill from both summaries
    await call("PATCH", `/bills/${other.id}`, { status: "paused" });
    expect(await upcoming()).toEqual([]);
    expect(await estimate()).toEqual({});

    // a new day is a new entry even without a write
    await call("PATCH", `/bills/${other.id}`, { status: "active" });
    expect(await upcoming()).toEqual(["Water@2026-02-10:3000:auto"]);
    setNow("2026-02-11T12:00:00Z");
    expect(await upcoming()).toEqual(["Water@2026-03-10:3000:auto"]);
  });

  it("should not share entries between two stores served by one process", async () => {
    const a = await billsHost({ now: "2026-01-15T12:00:00Z" });
    const b = await billsHost({ now: "2026-01-15T12:00:00Z" });
    close = async () => {
      await a.host.close();
      await b.host.close();
    };
    await a.call("POST", "/bills", rent);
    expect((await a.call("GET", "/bills/upcoming")).body.items).toHaveLength(1);
    expect((await b.call("GET", "/bills/upcoming")).body.items).toEqual([]);
  });
});
