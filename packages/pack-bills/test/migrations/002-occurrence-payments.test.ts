import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { withDueIndex } from "../../src/index.js";
import { billsHost } from "../helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const meta = (id: string, at: string) => ({ id, rev: 1, created_at: at, updated_at: at });

// A bill as pack-bills 1.1 stored it: any payment put its occurrence in `paid`, no per-occurrence sums.
const oldBill = {
  ...meta("bill_old2", "2026-01-01T00:00:00.000Z"),
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
  paid: ["2026-01-10", "2026-02-10"],
  next_open_due: "2026-03-10",
};
const payment = (id: string, occurrence: string, amount_minor: number) => ({
  ...meta(id, `${occurrence}T00:00:00.000Z`),
  bill_id: "bill_old2",
  occurrence,
  due_date: occurrence,
  amount_minor,
  currency: "USD",
  paid_on: occurrence,
  client_key: id,
  notes: null,
});

describe("migration 002-occurrence-payments", () => {
  it("should reopen occurrences that 1.1 counted paid after a partial payment", async () => {
    const driver = memory();
    await driver.init();
    const put = (ns: string, rec: { id: string; [k: string]: unknown }, index: Record<string, string>) =>
      driver.write(ns, { record: { id: rec.id, rev: 1, value: JSON.stringify(rec) }, index, expectRev: 0 });
    await put("bills.bills", oldBill, {
      status: "s:active",
      payee: "s:Landlord LLC",
      autopay: "b:false",
      next_open_due: "s:2026-03-10",
    });
    // Seeded by 1.2 code through withDueIndex: already complete, so the migration leaves it alone.
    const seeded = withDueIndex({ ...oldBill, id: "bill_new1", paid: [] } as never, "2026-02-12") as {
      id: string;
    };
    await put("bills.bills", seeded, { status: "s:active" });
    await put("bills.payments", payment("pay_jan", "2026-01-10", 150000), { bill_id: "s:bill_old2" });
    await put("bills.payments", payment("pay_feb", "2026-02-10", 70000), { bill_id: "s:bill_old2" });
    await put(
      "bills.state",
      { ...meta("roll", "2026-02-11T00:00:00.000Z"), rolled_through: "2026-02-11" },
      {},
    );
    // 1.1 had applied migration 1 already.
    await put(
      "_valhalla.migrations",
      {
        ...meta("bills", "2026-01-01T00:00:00.000Z"),
        version: 1,
        applied: [{ version: 1, name: "due-index", at: "2026-01-01T00:00:00.000Z" }],
      },
      {},
    );

    const { host, call } = await billsHost({ now: "2026-02-12T12:00:00Z", storage: driver });
    close = () => host.close();
    expect((await call("GET", "/bills/bill_new1")).body).toMatchObject({ rev: 1, paid_by_occurrence: {} });
    const bill = (await call("GET", "/bills/bill_old2")).body;
    expect(bill).toMatchObject({
      paid: ["2026-01-10"],
      paid_by_occurrence: { "2026-01-10": 150000, "2026-02-10": 70000 },
      next_open_due: "2026-03-10",
      overdue: true,
    });
    expect((await call("GET", "/bills/overdue")).body.items).toMatchObject([
      { bill_id: "bill_old2", due_date: "2026-02-10", status: "partly_paid", remaining_minor: 80000 },
    ]);
    const occ = await call("GET", "/bills/bill_old2/occurrences?from=2026-01-01&to=2026-03-31");
    expect(occ.body.items.map((i: { status: string }) => i.status)).toEqual([
      "paid",
      "partly_paid",
      "upcoming",
    ]);
  });
});
