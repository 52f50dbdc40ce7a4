import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { billsHost } from "../helpers.js";
import { refEstimate, snapshot } from "../reference.js";

let close: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of close) await c();
  close = [];
});

const meta = (id: string) => ({
  id,
  rev: 1,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
});

// A bill as the pack stored it before the estimate index: no `est_day` keys, no aggregates.
const oldBill = (id: string, day: number, extra: Record<string, unknown> = {}) => ({
  ...meta(id),
  name: `Bill ${id}`,
  payee: "Payee",
  currency: "USD",
  amount_minor: 1000 * day,
  min_minor: null,
  max_minor: null,
  cadence: "monthly",
  interval: 1,
  anchor_date: `2026-01-${String(day).padStart(2, "0")}`,
  day_of_month: null,
  second_day_of_month: null,
  weekend_adjustment: "none",
  autopay: false,
  status: "active",
  notes: null,
  grace_days: null,
  tracked_from: "2026-01-01",
  skipped: [],
  autopay_steps_done: [],
  paid: [],
  next_open_due: null,
  paid_by_occurrence: {},
  overdue: false,
  variable_paid_at: null,
  ...extra,
});

describe("migration 003-estimate-index", () => {
  it("should give bills written before the index exact estimates from the index", async () => {
    const driver = memory();
    await driver.init();
    const put = (ns: string, rec: { id: string; [k: string]: unknown }, index: Record<string, string>) =>
      driver.write(ns, { record: { id: rec.id, rev: 1, value: JSON.stringify(rec) }, index, expectRev: 0 });
    await put("bills.bills", oldBill("bill_a", 5), { status: "s:active" });
    await put("bills.bills", oldBill("bill_b", 20, { skipped: ["2026-02-20"] }), { status: "s:active" });
    await put("bills.bills", oldBill("bill_c", 9, { cadence: "weekly" }), { status: "s:active" });
    await put("bills.bills", oldBill("bill_d", 9, { status: "paused" }), { status: "s:paused" });
    await put(
      "_valhalla.migrations",
      {
        ...meta("bills"),
        version: 2,
        applied: [
          { version: 1, name: "due-index", at: "2026-01-01T00:00:00.000Z" },
          { version: 2, name: "occurrence-payments", at: "2026-01-01T00:00:00.000Z" },
        ],
      },
      {},
    );
    const a = await billsHost({ now: "2026-01-15T12:00:00Z", storage: driver });
    close.push(() => a.host.close());
    expect((await a.call("GET", "/bills/bill_a")).body).toMatchObject({ est_day: "1-0-5-n", est_day2: null });
    expect((await a.call("GET", "/bills/bill_c")).body).toMatchObject({ est_day: "other" });
    expect((await a.call("GET", "/bills/bill_d")).body.est_day ?? null).toBe(null);
    const snap = await snapshot(a.call);
    for (const m of ["2026-01", "2026-02", "2026-03"]) {
      const est = await a.call("GET", `/bills/estimate?month=${m}&limit=10`);
      expect(est.body).toEqual(refEstimate(snap, m, 10));
    }
    expect((await a.call("GET", "/bills/estimate?month=2026-02")).body.by_currency.USD.count).toBe(5);
  });
});
