import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Budget and bills on a memory driver that counts `list` calls (every scan of a namespace). */
async function countingSetup() {
  const driver = memory();
  const counter = { lists: 0 };
  const counting = {
    ...driver,
    list: (...args: Parameters<typeof driver.list>) => {
      counter.lists++;
      return driver.list(...args);
    },
  };
  const h = await budgetHost({ now: "2026-01-15T12:00:00Z", storage: counting });
  cleanups.push(() => h.host.close());
  return { ...h, counter };
}

describe("budget snapshot cache", () => {
  it("should answer repeated snapshots without re-reading the ledger or the bills", async () => {
    const { call, counter } = await countingSetup();
    await call("POST", "/bills", {
      name: "Rent",
      payee: "L",
      currency: "USD",
      amount: "1500",
      cadence: "monthly",
      anchor_date: "2026-01-01",
    });
    await call("POST", "/budget/transactions", { kind: "income", amount: "4000", date: "2026-01-01" });

    const first = await call("GET", "/budget/snapshot?month=2026-01");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      bills: { expected_minor: 150000 },
      ledger: { income_minor: 400000 },
    });
    const afterFirst = counter.lists;
    expect(afterFirst).toBeGreaterThan(0);

    const again = await call("GET", "/budget/snapshot?month=2026-01");
    expect(again.status).toBe(200);
    expect({ ...again.body, as_of: null }).toEqual({ ...first.body, as_of: null });
    expect(counter.lists).toBe(afterFirst);

    // Another month is another entry.
    expect((await call("GET", "/budget/snapshot?month=2026-02")).body.ledger.income_minor).toBe(0);
    expect(counter.lists).toBeGreaterThan(afterFirst);
  });

  it("should reflect every kind of budget write in the next snapshot", async () => {
    const { call, counter } = await countingSetup();
    const snap = async () => (await call("GET", "/budget/snapshot?month=2026-01")).body;
    expect((await snap()).buckets).toEqual([]);

    // bucket create
    const g = (
      await call("POST", "/budget/buckets", {
        name: "Groceries",
        type: "essentials",
        monthly_limit: "900.00",
        priority: "A",
        start_month: "2026-01",
      })
    ).body;
    expect((await snap()).buckets[0]).toMatchObject({ bucket_id: g.id, allocated_minor: 90000 });

    // bucket patch
    await call("PATCH", `/budget/buckets/${g.id}`, { monthly_limit: "700.00" });
    expect((await snap()).totals.allocated_minor).toBe(70000);

    // allocation
    await call("PUT", `/budget/months/2026-01/allocations/${g.id}`, { amount: "800" });
    expect((await snap()).totals.allocated_minor).toBe(80000);

    // transactions
    await call("POST", "/budget/transactions", { kind: "income", amount: "4000", date: "2026-01-01" });
    const tx = (
      await call("POST", "/budget/transactions", {
        kind: "expense",
        amount: "100",
        date: "2026-01-02",
        bucket_id: g.id,
      })
    ).body;
    let s = await snap();
    expect(s.ledger).toMatchObject({ income_minor: 400000, expense_minor: 10000, entries: 2 });
    expect(s.buckets[0]).toMatchObject({ spent_minor: 10000, available_minor: 70000 });
    expect(s.essentials.funded).toBe(true);

    // void
    expect((await call("POST", `/budget/transactions/${tx.id}/void`)).status).toBe(201);
    s = await snap();
    expect(s.ledger).toMatchObject({ expense_minor: 0, reversals: 1 });
    expect(s.buckets[0]).toMatchObject({ spent_minor: 0, available_minor: 80000 });

    // a rule fills the bucket of a later expense
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "50",
      date: "2026-01-03",
      bucket_id: g.id,
      payee: "Walmart",
    });
    expect((await snap()).buckets[0].spent_minor).toBe(5000);
    const other = (
      await call("POST", "/budget/buckets", {
        name: "Fun",
        type: "fun",
        monthly_limit: "100.00",
        priority: "A",
        start_month: "2026-01",
      })
    ).body;
    const rule = (
      await call("POST", "/budget/rules", { name: "w", payee_contains: "walmart", set_bucket_id: other.id })
    ).body;
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "20",
      date: "2026-01-04",
      payee: "Walmart",
    });
    s = await snap();
    expect(s.buckets.find((b: { bucket_id: string }) => b.bucket_id === other.id).spent_minor).toBe(2000);
    expect((await call("DELETE", `/budget/rules/${rule.id}`)).status).toBe(204);

    // house targets and the bills estimate are read on every call
    await call("PUT", "/budget/house", {
      income_streams: [{ name: "pay", monthly: "5000" }],
      buffer_target: "0",
    });
    expect((await snap()).targets.income_target_minor).toBe(500000);
    await call("POST", "/bills", {
      name: "Rent",
      payee: "L",
      currency: "USD",
      amount: "1500",
      cadence: "monthly",
      anchor_date: "2026-01-01",
    });
    expect((await snap()).bills.expected_minor).toBe(150000);

    // bucket archive drops it from the month
    await call("PATCH", `/budget/buckets/${other.id}`, { status: "archived" });
    expect((await snap()).buckets.map((b: { bucket_id: string }) => b.bucket_id)).toEqual([g.id]);

    // close: the frozen snapshot is served directly, without scanning anything
    const closed = await call("POST", "/budget/months/2026-01/close");
    expect(closed.status).toBe(201);
    const before = counter.lists;
    s = await snap();
    expect(s.status).toBe("closed");
    expect(counter.lists).toBe(before);
    // closing January changes February's carry-over chain input
    expect((await call("GET", "/budget/snapshot?month=2026-02")).body.status).toBe("open");
  });
});
