import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const h = await budgetHost({ now: "2026-03-10T12:00:00Z", withBills: false });
  cleanups.push(() => h.host.close());
  return h;
}
const bucket = { name: "Groceries", type: "essentials", priority: "A", monthly_limit: "400" };
const receipt = (bucket_id: string, date: string) => ({
  kind: "expense",
  amount: "42.10",
  date,
  bucket_id,
  payee: "Market",
  memo: null,
});

describe("a bucket's start month (issue #17)", () => {
  it("should start a new bucket at the ledger's earliest open month, so last month's receipt fits", async () => {
    const { call } = await setup();
    // An empty ledger: the bucket starts this month.
    expect((await call("POST", "/budget/buckets", { ...bucket, name: "First" })).body.start_month).toBe(
      "2026-03",
    );
    await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "3000",
      date: "2026-02-01",
      payee: "Pay",
      memo: null,
    });
    const b = (await call("POST", "/budget/buckets", bucket)).body;
    expect(b.start_month).toBe("2026-02");
    expect((await call("POST", "/budget/transactions", receipt(b.id, "2026-02-20"))).status).toBe(201);
    // A closed month is never a default start.
    await call("POST", "/budget/months/2026-02/close");
    expect((await call("POST", "/budget/buckets", { ...bucket, name: "Later" })).body.start_month).toBe(
      "2026-03",
    );
  });

  it("should move a start earlier when a receipt predates it, and later only while nothing is before it", async () => {
    const { call } = await setup();
    const b = (await call("POST", "/budget/buckets", { ...bucket, start_month: "2026-03" })).body;
    const early = await call("POST", "/budget/transactions", receipt(b.id, "2026-01-15"));
    expect(early.status).toBe(422);
    expect(early.body.detail).toContain(`PATCH /budget/buckets/${b.id}`);
    expect(
      (await call("PATCH", `/budget/buckets/${b.id}`, { start_month: "2026-01" })).body.start_month,
    ).toBe("2026-01");
    expect((await call("POST", "/budget/transactions", receipt(b.id, "2026-01-15"))).status).toBe(201);
    const later = await call("PATCH", `/budget/buckets/${b.id}`, { start_month: "2026-02" });
    expect(later.status).toBe(409);
    expect(later.body.errors[0]).toMatchObject({ field: "start_month" });
    await call("POST", "/budget/months/2026-01/close");
    const closed = await call("PATCH", `/budget/buckets/${b.id}`, { start_month: "2025-12" });
    expect(closed.status).toBe(409);
    expect(closed.body.errors[0].message).toContain("2026-01");
    expect((await call("PATCH", `/budget/buckets/${b.id}`, { start_month: "2026-13" })).status).toBe(400);
  });
});
