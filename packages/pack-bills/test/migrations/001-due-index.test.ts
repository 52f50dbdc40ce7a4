import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { billsHost } from "../helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

// A bill and its payment as pack-bills 1.0 stored them: no `paid`, no `next_open_due`.
const oldBill = {
  id: "bill_old1",
  rev: 1,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  name: "Rent",
  payee: "Landlord LLC",
  currency: "USD",
  amount_minor: 150000,
  min_minor: null,
  max_minor: null,
  cadence: "monthly",
  interval: 1,
  anchor_date: "2026-01-10",
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
};
const oldPayment = {
  id: "pay_old1",
  rev: 1,
  created_at: "2026-01-09T00:00:00.000Z",
  updated_at: "2026-01-09T00:00:00.000Z",
  bill_id: "bill_old1",
  occurrence: "2026-01-10",
  due_date: "2026-01-10",
  amount_minor: 150000,
  currency: "USD",
  paid_on: "2026-01-09",
  client_key: "jan",
  notes: null,
};

describe("migration 001-due-index", () => {
  it("should give bills written before it their paid list and due-date key", async () => {
    const driver = memory();
    await driver.init();
    const put = (ns: string, rec: { id: string }, index: Record<string, string>) =>
      driver.write(ns, { record: { id: rec.id, rev: 1, value: JSON.stringify(rec) }, index, expectRev: 0 });
    await put("bills.bills", oldBill, { status: "s:active", payee: "s:Landlord LLC", autopay: "b:false" });
    await put("bills.payments", oldPayment, { bill_id: "s:bill_old1" });

    const { host, call } = await billsHost({ now: "2026-01-20T12:00:00Z", storage: driver });
    close = () => host.close();
    const bill = (await call("GET", "/bills/bill_old1")).body;
    expect(bill).toMatchObject({ paid: ["2026-01-10"], next_open_due: "2026-02-10" });
    const up = await call("GET", "/bills/upcoming?days=30");
    expect(up.body.items.map((o: { due_date: string }) => o.due_date)).toEqual(["2026-02-10"]);
    expect((await call("GET", "/bills/missed")).body.items).toEqual([]);
  });
});
