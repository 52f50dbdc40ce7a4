import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(opts: { withBills?: boolean; storage?: string } = {}) {
  const h = await budgetHost({ now: "2026-01-15T12:00:00Z", ...opts });
  cleanups.push(() => h.host.close());
  return h;
}

const bucket = (call: Awaited<ReturnType<typeof setup>>["call"], body: Record<string, unknown>) =>
  call("POST", "/budget/buckets", {
    name: "Groceries",
    type: "essentials",
    monthly_limit: "900.00",
    priority: "A",
    ...body,
  });

describe("budget ledger", () => {
  it("should derive spent and available from the ledger, and restore them on void", async () => {
    const { call } = await setup();
    const g = (await bucket(call, {})).body;
    const tx = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "120.00",
      date: "2026-01-02",
      bucket_id: g.id,
      payee: "Walmart",
    });
    expect(tx.status).toBe(201);
    expect(tx.body).toMatchObject({ amount_minor: 12000, month: "2026-01", actor: "anonymous" });
    let fig = (await call("GET", `/budget/buckets/${g.id}?month=2026-01`)).body.figures;
    expect(fig).toMatchObject({ allocated_minor: 90000, spent_minor: 12000, available_minor: 78000 });
    const v = await call("POST", `/budget/transactions/${tx.body.id}/void`);
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ amount_minor: -12000, reverses: tx.body.id });
    const orig = await call("GET", `/budget/transactions/${tx.body.id}`);
    expect(orig.body).toMatchObject({ amount_minor: 12000, rev: 1, voided_by: v.body.id });
    fig = (await call("GET", `/budget/buckets/${g.id}?month=2026-01`)).body.figures;
    expect(fig).toMatchObject({ spent_minor: 0, available_minor: 90000 });
    const twice = await call("POST", `/budget/transactions/${tx.body.id}/void`);
    expect(twice.status).toBe(409);
    expect(twice.body.type).toMatch(/already-voided$/);
  });

  it("should leave spent exact after 100 concurrent expense posts, and a void restores it exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const storage of ["memory:", `sqlite:${join(dir, "b.db")}`]) {
      const { call } = await setup({ storage });
      const g = (await bucket(call, { monthly_limit: "5000" })).body;
      const amounts = Array.from({ length: 100 }, (_, i) => `${i + 1}.${String(i % 100).padStart(2, "0")}`);
      const started = performance.now();
      const res = await Promise.all(
        amounts.map((amount) =>
          call("POST", "/budget/transactions", {
            kind: "expense",
            amount,
            date: "2026-01-10",
            bucket_id: g.id,
          }),
        ),
      );
      const ms = performance.now() - started;
      expect(res.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
      const expected = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
      const fig = (await call("GET", `/budget/buckets/${g.id}?month=2026-01`)).body.figures;
      expect(fig.spent_minor).toBe(expected);
      expect(fig.available_minor).toBe(500000 - expected);
      const victim = res[37]!.body;
      await call("POST", `/budget/transactions/${victim.id}/void`);
      const after = (await call("GET", `/budget/buckets/${g.id}?month=2026-01`)).body.figures;
      expect(after.spent_minor).toBe(expected - victim.amount_minor);
      console.info(`[budget] 100 concurrent posts on ${storage.split(":")[0]}: ${ms.toFixed(0)} ms`);
    }
  });

  it("should refuse C/D spending while essentials are unfunded, and record who overrode", async () => {
    const { call } = await setup();
    await bucket(call, {});
    const fun = (await bucket(call, { name: "Fun", type: "fun", priority: "C", monthly_limit: "200" })).body;
    const post = { kind: "expense", amount: "50", date: "2026-01-05", bucket_id: fun.id };
    const refused = await call("POST", "/budget/transactions", post);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/essentials-unfunded$/);
    expect(refused.body.detail).toContain("2026-01");
    // For people: formatted money, never "minor units".
    expect(refused.body.detail).toContain(
      "income 0.00 USD covers 900.00 USD of essentials allocations (short 900.00 USD)",
    );
    expect(refused.body.detail).not.toContain("minor");
    expect(refused.body.essentials).toMatchObject({ required_minor: 90000, funded_minor: 0 });
    const over = await call(
      "POST",
      "/budget/transactions",
      { ...post, override: true },
      { "x-actor": "dana" },
    );
    expect(over.status).toBe(201);
    expect(over.body.override).toMatchObject({ by: "dana" });
    expect(over.body.override.reason).toContain("unfunded");
    await call("POST", "/budget/transactions", { kind: "income", amount: "900", date: "2026-01-03" });
    const allowed = await call("POST", "/budget/transactions", post);
    expect(allowed.status).toBe(201);
    expect(allowed.body.override).toBeNull();
  });

  it("should categorise with ordered rules, stop processing, and re-run them", async () => {
    const { call } = await setup();
    const g = (await bucket(call, {})).body;
    const misc = (await bucket(call, { name: "Misc", type: "variable", priority: "B" })).body;
    const r1 = await call("POST", "/budget/rules", {
      name: "walmart",
      payee_contains: "walmart",
      set_bucket_id: g.id,
      set_category: "groceries",
      stop_processing: true,
    });
    expect(r1.status).toBe(201);
    await call("POST", "/budget/rules", {
      name: "catch-all",
      regex: "^.+$",
      set_bucket_id: misc.id,
      set_category: "misc",
    });
    const t1 = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "10",
      date: "2026-01-04",
      payee: "WALMART #12",
    });
    expect(t1.body).toMatchObject({ bucket_id: g.id, category: "groceries", rule_ids: [r1.body.id] });
    const t2 = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "10",
      date: "2026-01-04",
      payee: "Cinema",
    });
    expect(t2.body).toMatchObject({ bucket_id: misc.id, category: "misc" });
    const big = await call("POST", "/budget/rules", {
      name: "big",
      position: 1,
      min_amount: "100",
      set_category: "housing",
    });
    expect(big.status).toBe(201);
    const rerun = await call("POST", "/budget/rules/apply?month=2026-01");
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({ examined: 2, changed: 0 });
    const mine = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "10",
      date: "2026-01-04",
      payee: "Cinema",
      category: "dining",
    });
    expect(mine.body).toMatchObject({ bucket_id: misc.id, category: "dining", auto_fields: ["bucket_id"] });
    // Now the first rule matches everything and stops: rule-set categories change, a person's stays.
    const patched = await call("PATCH", `/budget/rules/${big.body.id}`, {
      min_amount: "5",
      stop_processing: true,
    });
    expect(patched.status).toBe(200);
    const rerun2 = await call("POST", "/budget/rules/apply?month=2026-01");
    expect(rerun2.body).toMatchObject({ examined: 3, changed: 2 });
    expect((await call("GET", `/budget/transactions/${t2.body.id}`)).body).toMatchObject({
      category: "housing",
      bucket_id: misc.id,
    });
    expect((await call("GET", `/budget/transactions/${mine.body.id}`)).body.category).toBe("dining");
    const unsafe = await call("POST", "/budget/rules", { name: "x", regex: "(a+)+$", set_category: "misc" });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.errors[0].field).toBe("regex");
  });

  it("should snapshot a month with bills from the bills pack, and freeze it on close", async () => {
    const { call } = await setup();
    await call("PUT", "/budget/house", {
      income_streams: [{ name: "salary", monthly: "4000" }],
      buffer_target: "500",
    });
    await call("POST", "/bills", {
      name: "Rent",
      payee: "L",
      currency: "USD",
      amount: "1500",
      cadence: "monthly",
      anchor_date: "2026-01-01",
    });
    const g = (await bucket(call, {})).body;
    await call("PUT", `/budget/months/2026-01/allocations/${g.id}`, { amount: "800" });
    await call("POST", "/budget/transactions", { kind: "income", amount: "4000", date: "2026-01-01" });
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "100",
      date: "2026-01-02",
      bucket_id: g.id,
    });
    const snap = await call("GET", "/budget/snapshot?month=2026-01");
    expect(snap.status).toBe(200);
    expect(snap.body).toMatchObject({
      status: "open",
      targets: { income_target_minor: 400000, buffer_target_minor: 50000 },
      bills: { source: "bills", expected_minor: 150000, count: 1 },
      ledger: { income_minor: 400000, expense_minor: 10000 },
      cash_plan: { planned_outflow_minor: 150000 + 80000, gap_minor: 400000 - 230000 },
    });
    expect(snap.body.buckets[0]).toMatchObject({
      allocated_minor: 80000,
      spent_minor: 10000,
      available_minor: 70000,
    });
    const buf = await call("GET", "/budget/buffer_check?buffer_min=3000");
    expect(buf.body).toMatchObject({
      ok: false,
      projected_minor: 400000 - 150000 - 300000,
      shortfall_minor: 50000,
      // Money in a sentence is formatted for people, never "50000 minor units".
      alert: "Projected 2026-01 is short by 500.00 USD after bills and buffer",
    });
    const closed = await call("POST", "/budget/months/2026-01/close");
    expect(closed.status).toBe(201);
    expect(closed.body.status).toBe("closed");
    expect((await call("POST", "/budget/months/2026-01/close")).status).toBe(409);
    const late = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "5",
      date: "2026-01-20",
      bucket_id: g.id,
    });
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/month-closed$/);
    expect((await call("PUT", `/budget/months/2026-01/allocations/${g.id}`, { amount: "1" })).status).toBe(
      409,
    );
    const frozen = await call("GET", "/budget/months/2026-01");
    expect(frozen.body).toEqual(closed.body);
  });

  it("should carry positive balances into the next month for carry_positive buckets", async () => {
    const { call } = await setup();
    const s = (
      await bucket(call, {
        name: "Car",
        type: "sinking",
        monthly_limit: "100",
        rollover: "carry_positive",
        start_month: "2025-11",
      })
    ).body;
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "250",
      date: "2025-11-10",
      bucket_id: s.id,
    });
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "30",
      date: "2025-12-10",
      bucket_id: s.id,
    });
    const fig = (await call("GET", `/budget/buckets/${s.id}?month=2026-01`)).body.figures;
    // Nov: 100 − 250 = −150 → carries 0; Dec: 0 + 100 − 30 = 70 → carries 70; Jan: 70 + 100.
    expect(fig).toMatchObject({ carryover_minor: 7000, available_minor: 17000 });
  });

  it("should work without the bills pack installed", async () => {
    const { call } = await setup({ withBills: false });
    const snap = await call("GET", "/budget/snapshot?month=2026-01");
    expect(snap.status).toBe(200);
    expect(snap.body.bills).toMatchObject({ source: "none", expected_minor: 0 });
  });

  it("should answer bad amounts, unknown buckets and months with a 4xx naming the field", async () => {
    const { call } = await setup();
    const g = (await bucket(call, {})).body;
    const base = { kind: "expense", amount: "10", date: "2026-01-05", bucket_id: g.id };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, amount: "10.001" }, 400, "amount"],
      [{ ...base, amount: "-10" }, 400, "amount"],
      [{ ...base, amount: 10.5 }, 400, "amount"],
      [{ ...base, currency: "ZZZ" }, 400, "currency"],
      [{ ...base, currency: "EUR" }, 422, "currency"],
      [{ ...base, bucket_id: "bk_nope" }, 422, "bucket_id"],
      [{ ...base, bucket_id: undefined }, 400, "bucket_id"],
      [{ ...base, category: "yachts" }, 422, "category"],
      [{ ...base, date: "2026-13-01" }, 400, "date"],
    ];
    for (const [body, status, field] of cases) {
      const res = await call("POST", "/budget/transactions", body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const month = await call("GET", "/budget/snapshot?month=2026-13");
    expect(month.status).toBe(400);
    expect(month.body.errors[0].field).toBe("month");
    const alloc = await call("PUT", "/budget/months/2026-01/allocations/bk_nope", { amount: "5" });
    expect(alloc.status).toBe(404);
    expect(alloc.body.errors[0].field).toBe("bucket_id");
    const neg = await call("PUT", `/budget/months/2026-01/allocations/${g.id}`, { amount: "-5" });
    expect(neg.status).toBe(400);
    expect(neg.body.errors[0].field).toBe("amount");
    const buf = await call("GET", "/budget/buffer_check?buffer_min=1.234");
    expect(buf.status).toBe(400);
    expect(buf.body.errors[0].field).toBe("buffer_min");
  });
});
