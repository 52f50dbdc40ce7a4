import { createDriver } from "@valhalla/host";
import type { Driver } from "@valhalla/runtime";
import { isolatedStores, type RecordingDriver, recordingDriver } from "@valhalla/runtime/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { billsHost, rent } from "./helpers.js";
import { refEstimate, snapshot } from "./reference.js";

/** Listings of bills that were not through the estimate index (a scan of every bill). */
const scans = (w: RecordingDriver) =>
  w
    .listings("bills.bills")
    .filter((l) => !l.query.where || !Object.keys(l.query.where).some((f) => f.startsWith("est_day")));
/** Rows read by every listing of bills. */
const rows = (w: RecordingDriver) => w.listings("bills.bills").reduce((n, l) => n + l.rows, 0);

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const NOW = "2026-01-15T12:00:00Z";
const MONTHS = ["2026-01", "2026-02", "2026-03"];

describe.each(isolatedStores())("estimate index ($name)", (store) => {
  /** A recording driver over a fresh store, and the store's URL (for another replica's connection). */
  async function open() {
    const { url, cleanup } = store.make();
    const inner = await createDriver(url);
    await inner.init();
    cleanups.push(async () => {
      await inner.close();
      await cleanup();
    });
    // Hosts close the driver they were given; the store outlives each "process" here.
    return { driver: recordingDriver(inner, { keepOpen: true }), url };
  }
  async function host(driver: Driver) {
    const h = await billsHost({ now: NOW, storage: driver });
    cleanups.push(() => h.host.close());
    return h;
  }

  it.skipIf(store.skip)(
    "should answer a restarted host exactly after creates, patches, skips and archives without reading every bill",
    async () => {
      const { driver: w } = await open();
      const a = await host(w);
      const ids: string[] = [];
      const days = [1, 5, 15, 28, 31];
      for (let i = 0; i < 40; i++) {
        const body = {
          ...rent,
          name: `B${i}`,
          amount: `${100 + i}.00`,
          currency: i % 4 === 3 ? "EUR" : "USD",
          anchor_date: `2025-12-${String(days[i % 5]).padStart(2, "0")}`,
          weekend_adjustment: ["none", "previous_business_day", "next_business_day"][i % 3],
          ...(i % 10 === 7 ? { cadence: "weekly" } : {}),
          ...(i % 10 === 8 ? { cadence: "twice_monthly", day_of_month: 1, second_day_of_month: 15 } : {}),
          ...(i % 10 === 9 ? { amount: null, min_amount: "10.00", max_amount: "20.01" } : {}),
        };
        const res = await a.call("POST", "/bills", body);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        ids.push(res.body.id);
      }
      expect((await a.call("PATCH", `/bills/${ids[0]}`, { amount: "999.99" })).status).toBe(200);
      expect((await a.call("PATCH", `/bills/${ids[1]}`, { day_of_month: 20 })).status).toBe(200);
      expect((await a.call("POST", `/bills/${ids[2]}/skip`, { date: "2026-02-15" })).status).toBe(200);
      expect((await a.call("PATCH", `/bills/${ids[3]}`, { status: "archived" })).status).toBe(200);
      expect((await a.call("PATCH", `/bills/${ids[4]}`, { status: "paused" })).status).toBe(200);
      expect((await a.call("PATCH", `/bills/${ids[4]}`, { status: "active" })).status).toBe(200);

      // A second host over the same store, never having read an estimate: a restarted process.
      w.reset();
      const b = await host(w);
      for (const m of MONTHS) {
        const est = await b.call("GET", `/bills/estimate?month=${m}&limit=5`);
        expect(est.status).toBe(200);
        expect(scans(w)).toEqual([]);
        expect(est.body).toEqual(refEstimate(await snapshot(b.call), m, 5));
        w.reset();
      }
      // Every item of the month still comes out in order, from the index.
      const all = await b.call("GET", "/bills/estimate?month=2026-02&limit=5000");
      expect(all.body).toEqual(refEstimate(await snapshot(b.call), "2026-02", 5000));
    },
    60_000,
  );

  // A memory store lives in one process, so it has no second replica.
  it.skipIf(store.skip || store.name === "memory")(
    "should see another replica's writes exactly, reading the index instead of every bill",
    async () => {
      const { driver: wa, url } = await open();
      const a = await host(wa);
      // The other replica is another process: fresh copies of every module (so no in-process
      // estimate is shared with `a`) over their own connection to the same store.
      vi.resetModules();
      const other = {
        helpers: await import("./helpers.js"),
        host: await import("@valhalla/host"),
        testing: await import("@valhalla/runtime/testing"),
      };
      const inner = await other.host.createDriver(url);
      await inner.init();
      const w = other.testing.recordingDriver(inner, { keepOpen: true });
      const b = await other.helpers.billsHost({ now: NOW, storage: w });
      cleanups.push(async () => {
        await b.host.close();
        await inner.close();
      });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(
          (await a.call("POST", "/bills", { ...rent, name: `B${i}`, amount: `${10 + i}.00` })).body.id,
        );
      // More bills due later in the month than an estimate reads ahead (200 items), so a read that
      // filtered the index wrongly (or not at all) on this store reads rows it has no need of.
      for (let batch = 0; batch < 13; batch++)
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            a.call("POST", "/bills", {
              ...rent,
              name: `Later ${batch}-${i}`,
              amount: "5.00",
              anchor_date: `2026-01-${20 + (i % 8)}`,
            }),
          ),
        );
      expect((await b.call("GET", "/bills/estimate?month=2026-02&limit=3")).body.items_total).toBe(272);
      await a.call("POST", `/bills/${ids[0]}/skip`, { date: "2026-02-28" });
      await a.call("PATCH", `/bills/${ids[1]}`, { status: "archived" });
      await a.call("POST", "/bills", { ...rent, name: "Late", anchor_date: "2026-02-01", currency: "EUR" });
      w.reset();
      const est = await b.call("GET", "/bills/estimate?month=2026-02&limit=3");
      expect(scans(w)).toEqual([]);
      // The writes moved the shared estimate generation, so `b` read the month again from the
      // index, 200 items deep (the 12 early bills, then the later ones by day), not all 271.
      expect(rows(w)).toBeGreaterThanOrEqual(200);
      expect(rows(w)).toBeLessThanOrEqual(215);
      expect(est.body).toEqual(refEstimate(await snapshot(b.call), "2026-02", 3));
      expect(est.body.items_total).toBe(271);
      // Its answer matches the writer's own, which brought its months forward in place.
      expect((await a.call("GET", "/bills/estimate?month=2026-02&limit=3")).body).toEqual(est.body);
    },
    60_000,
  );
});

describe("estimate index", () => {
  it("should read a month's first items from the bills of its first due dates only", async () => {
    const { memory } = await import("@valhalla/runtime");
    const w = recordingDriver(memory(), { keepOpen: true });
    const a = await billsHost({ now: NOW, storage: w });
    cleanups.push(() => a.host.close());
    for (let i = 0; i < 300; i++)
      await a.call("POST", "/bills", { ...rent, name: `B${i}`, anchor_date: `2026-01-${10 + (i % 10)}` });
    const b = await billsHost({ now: NOW, storage: w });
    cleanups.push(() => b.host.close());
    w.reset();
    const est = await b.call("GET", "/bills/estimate?month=2026-03&limit=1");
    expect(est.body.items_total).toBe(300);
    expect(est.body.by_currency.USD.count).toBe(300);
    expect(scans(w)).toEqual([]);
    // A month is read 200 items deep (so later removals need no re-read): the bills due on the
    // 10th to the 16th, 30 a day, and not one of the 90 due later.
    expect(rows(w)).toBeGreaterThanOrEqual(200);
    expect(rows(w)).toBeLessThanOrEqual(210);
  });

  it("should rebuild an index a write left half done, and answer exactly", async () => {
    const { memory } = await import("@valhalla/runtime");
    const driver = memory();
    const a = await billsHost({ now: NOW, storage: driver });
    cleanups.push(() => a.host.close());
    for (let i = 0; i < 5; i++) await a.call("POST", "/bills", { ...rent, name: `B${i}` });
    // As if a process died between a bill write and its aggregate update.
    const state = (await driver.get("bills.eststate", "agg"))!;
    await driver.write("bills.eststate", {
      record: {
        ...state,
        rev: state.rev + 1,
        value: JSON.stringify({ ...JSON.parse(state.value), rev: state.rev + 1, dirty: true }),
      },
      index: {},
      expectRev: state.rev,
    });
    const agg = (await driver.list("bills.estagg", { limit: 10, order: "asc" }))[0]!;
    await driver.remove("bills.estagg", agg.id);
    const b = await billsHost({ now: NOW, storage: driver });
    cleanups.push(() => b.host.close());
    const est = await b.call("GET", "/bills/estimate?month=2026-02");
    expect(est.body).toEqual(refEstimate(await snapshot(b.call), "2026-02", 100));
    expect(est.body.items_total).toBe(5);
  });
});
