import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bindCollection, type CollectionDef, type Driver, memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { budget, emptyTotals, foldEntry, totalsId } from "../src/index.js";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const MONTH = "2026-01";

/** A memory driver that counts `list` calls per namespace and can fail writes on demand. */
function instrumented() {
  const driver = memory();
  const lists = new Map<string, number>();
  const faults: { ns: string; after: boolean }[] = [];
  const wrapped: Driver = {
    ...driver,
    list: (ns, q) => {
      lists.set(ns, (lists.get(ns) ?? 0) + 1);
      return driver.list(ns, q);
    },
    write: async (ns, req) => {
      const i = faults.findIndex((f) => f.ns === ns);
      if (i < 0) return driver.write(ns, req);
      const [fault] = faults.splice(i, 1);
      // `after`: the write commits but the caller sees an error (a timeout after commit).
      if (fault!.after) await driver.write(ns, req);
      throw new Error("injected storage failure");
    },
  };
  return { driver: wrapped, raw: driver, lists, faults };
}

async function setup(opts: { storage?: Driver | string } = {}) {
  const h = await budgetHost({ now: "2026-01-15T12:00:00Z", withBills: false, ...opts });
  cleanups.push(() => h.host.close());
  const totals = h.host.registry.context("budget").storage.totals as {
    get(id: string): Promise<Record<string, unknown> | null>;
    update(id: string, patch: Record<string, unknown>): Promise<unknown>;
    delete(id: string): Promise<boolean>;
  };
  const { call } = h;
  const snap = async (month = MONTH) => (await call("GET", `/budget/snapshot?month=${month}`)).body;
  const rebuild = async (month = MONTH) => call("POST", `/budget/months/${month}/totals/rebuild`);
  const bucket = async (body: Record<string, unknown> = {}) =>
    (
      await call("POST", "/budget/buckets", {
        name: "Groceries",
        type: "essentials",
        monthly_limit: "900.00",
        priority: "A",
        start_month: MONTH,
        ...body,
      })
    ).body;
  const post = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    call("POST", "/budget/transactions", { date: `${MONTH}-05`, ...body }, headers);
  return { ...h, totals, snap, rebuild, bucket, post };
}

describe("budget month totals", () => {
  it("should keep the snapshot exact through posts and voids without reading the ledger", async () => {
    const inst = instrumented();
    const { snap, rebuild, bucket, post, call } = await setup({ storage: inst.driver });
    const g = await bucket();
    // The month's first posting creates its totals (one `list` to see the month is empty).
    await post({ kind: "income", amount: "2000" });
    const scans = inst.lists.get("budget.transactions") ?? 0;
    const a = (await post({ kind: "expense", amount: "120.50", bucket_id: g.id })).body;
    await post({ kind: "expense", amount: "30", bucket_id: g.id });

    let s = await snap();
    expect(s.ledger).toEqual({
      income_minor: 200000,
      expense_minor: 15050,
      net_minor: 200000 - 15050,
      entries: 3,
      reversals: 0,
      other_currencies: [],
    });
    expect(s.buckets[0]).toMatchObject({ spent_minor: 15050, available_minor: 90000 - 15050 });
    expect(s.totals).toMatchObject({ spent_minor: 15050 });

    expect((await call("POST", `/budget/transactions/${a.id}/void`)).status).toBe(201);
    s = await snap();
    expect(s.ledger).toMatchObject({ expense_minor: 3000, entries: 4, reversals: 1 });
    expect(s.buckets[0]).toMatchObject({ spent_minor: 3000, available_minor: 87000 });
    expect((await call("GET", `/budget/buckets/${g.id}?month=${MONTH}`)).body.figures.spent_minor).toBe(3000);
    // Neither the posts nor the snapshots after them walked the month's ledger.
    expect(inst.lists.get("budget.transactions") ?? 0).toBe(scans);

    const r = await rebuild();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ month: MONTH, entries: 4, changed: false });
    expect(r.body.by_currency.USD).toMatchObject({ expense_minor: 3000, spent_by_bucket: { [g.id]: 3000 } });
  });

  it("should stay exact under concurrent posts, voids and reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-totals-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const storage of ["memory:", `sqlite:${join(dir, "t.db")}`]) {
      const { snap, rebuild, bucket, post, call } = await setup({ storage });
      const g = await bucket({ monthly_limit: "5000" });
      const amounts = Array.from({ length: 60 }, (_, i) => 100 + i * 7);
      const first = await Promise.all(
        amounts.slice(0, 20).map((m) => post({ kind: "expense", amount: String(m), bucket_id: g.id })),
      );
      const voided = first.slice(0, 10).map((r) => r.body);
      const [posts, voids] = await Promise.all([
        Promise.all(
          amounts.slice(20).map((m) => post({ kind: "expense", amount: String(m), bucket_id: g.id })),
        ),
        // A second void of the same entry must lose, not count twice.
        Promise.all([...voided, voided[0]].map((t) => call("POST", `/budget/transactions/${t.id}/void`))),
        Promise.all(Array.from({ length: 10 }, () => snap())),
      ]);
      expect([...first, ...posts].map((r) => r.status).filter((x) => x !== 201)).toEqual([]);
      expect(voids.map((r) => r.status).sort()).toEqual([...Array(10).fill(201), 409]);
      expect(voids.find((r) => r.status === 409)!.body.type).toMatch(/already-voided$/);
      const expected =
        amounts.reduce((sum, m) => sum + m * 100, 0) - voided.reduce((sum, t) => sum + t.amount_minor, 0);
      const s = await snap();
      expect(s.buckets[0].spent_minor).toBe(expected);
      expect(s.ledger).toMatchObject({ expense_minor: expected, entries: 70, reversals: 10 });
      expect((await rebuild()).body).toMatchObject({ entries: 70, changed: false });
    }
  });

  it("should count gated, overridden and rule-routed postings, and moves by a rule re-run", async () => {
    const { snap, rebuild, bucket, post, call } = await setup();
    await bucket();
    const fun = await bucket({ name: "Fun", type: "fun", priority: "C", monthly_limit: "200" });
    const misc = await bucket({ name: "Misc", type: "variable", priority: "B", monthly_limit: "300" });

    const refused = await post({ kind: "expense", amount: "50", bucket_id: fun.id });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/essentials-unfunded$/);
    expect((await snap()).ledger.entries).toBe(0);

    const over = await post(
      { kind: "expense", amount: "50", bucket_id: fun.id, override: true },
      { "x-actor": "dana" },
    );
    expect(over.status).toBe(201);
    await post({ kind: "income", amount: "900" });
    // The gate reads the month's income from the totals: 900 now covers the essentials.
    expect((await post({ kind: "expense", amount: "20", bucket_id: fun.id })).status).toBe(201);

    const rule = await call("POST", "/budget/rules", {
      name: "cinema",
      payee_contains: "cinema",
      set_bucket_id: misc.id,
    });
    expect(rule.status).toBe(201);
    const routed = await post({ kind: "expense", amount: "15", payee: "Cinema One" });
    expect(routed.body.bucket_id).toBe(misc.id);
    let s = await snap();
    const spent = (id: string) =>
      s.buckets.find((b: { bucket_id: string }) => b.bucket_id === id).spent_minor;
    expect([spent(fun.id), spent(misc.id)]).toEqual([7000, 1500]);

    // Re-running a rule that now routes cinema to Fun moves the spending between buckets.
    expect((await call("PATCH", `/budget/rules/${rule.body.id}`, { set_bucket_id: fun.id })).status).toBe(
      200,
    );
    expect((await call("POST", `/budget/rules/apply?month=${MONTH}`)).body).toMatchObject({ changed: 1 });
    s = await snap();
    expect([spent(fun.id), spent(misc.id)]).toEqual([8500, 0]);
    expect(s.ledger).toMatchObject({ income_minor: 90000, expense_minor: 8500, entries: 4 });
    expect((await rebuild()).body.changed).toBe(false);
  });

  it("should freeze a closed month, refuse to rebuild it, and carry its figures forward", async () => {
    const { snap, rebuild, bucket, post, call } = await setup();
    const car = await bucket({ name: "Car", type: "sinking", monthly_limit: "100", rollover: "carry_all" });
    await post({ kind: "expense", amount: "30", bucket_id: car.id });
    const closed = await call("POST", `/budget/months/${MONTH}/close`);
    expect(closed.status).toBe(201);
    expect(closed.body.buckets[0]).toMatchObject({ spent_minor: 3000, available_minor: 7000 });
    const r = await rebuild();
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/month-closed$/);
    expect(await snap()).toEqual(closed.body);
    const feb = await snap("2026-02");
    expect(feb.buckets[0]).toMatchObject({ carryover_minor: 7000, spent_minor: 0, available_minor: 17000 });
  });

  it("should rebuild missing totals from the ledger on the next read, once", async () => {
    const inst = instrumented();
    const { snap, bucket, post, totals, call } = await setup({ storage: inst.driver });
    const touch = () => call("PUT", "/budget/house", { income_streams: [], buffer_target: "0" });
    const g = await bucket();
    await post({ kind: "income", amount: "500" });
    await post({ kind: "expense", amount: "40", bucket_id: g.id });
    const good = await snap();

    // A store from before the totals (or one a failed write dropped): no record at all.
    expect(await totals.delete(totalsId(MONTH))).toBe(true);
    await touch();
    const before = inst.lists.get("budget.transactions") ?? 0;
    const s = await snap();
    expect({ ...s, as_of: null }).toEqual({ ...good, as_of: null });
    expect(inst.lists.get("budget.transactions")).toBeGreaterThan(before);
    expect(await totals.get(totalsId(MONTH))).toMatchObject({
      entries: 2,
      last_entry_id: null,
      rebuilt_at: expect.any(String),
    });
    // Stored: later reads after writes do not scan again.
    const after = inst.lists.get("budget.transactions");
    await touch();
    await snap();
    expect(inst.lists.get("budget.transactions")).toBe(after);

    // Missing again, then a posting: the write path rebuilds before folding the new entry in.
    await totals.delete(totalsId(MONTH));
    await post({ kind: "expense", amount: "1", bucket_id: g.id });
    expect((await snap()).buckets[0].spent_minor).toBe(4100);
    expect(await totals.get(totalsId(MONTH))).toMatchObject({ entries: 3 });
  });

  it("should recompute totals that name an entry which never landed", async () => {
    const { snap, bucket, post, totals, call } = await setup();
    const touch = () => call("PUT", "/budget/house", { income_streams: [], buffer_target: "0" });
    const g = await bucket();
    await post({ kind: "income", amount: "500" });
    await post({ kind: "expense", amount: "40", bucket_id: g.id });
    // What a crash between the totals write and the entry write leaves behind.
    const crash = async () => {
      const cur = (await totals.get(totalsId(MONTH))) as never;
      const ghost = {
        kind: "expense",
        amount_minor: 99999,
        currency: "USD",
        bucket_id: g.id,
        reverses: null,
      };
      await totals.update(totalsId(MONTH), {
        ...foldEntry(cur, ghost as never),
        last_entry_id: "tx_never_written",
      });
    };

    await crash();
    await touch();
    let s = await snap();
    expect(s.buckets[0].spent_minor).toBe(4000);
    expect(s.ledger).toMatchObject({ income_minor: 50000, expense_minor: 4000, entries: 2 });
    expect(await totals.get(totalsId(MONTH))).toMatchObject({ entries: 2, last_entry_id: null });

    await crash();
    await post({ kind: "expense", amount: "2", bucket_id: g.id });
    s = await snap();
    expect(s.buckets[0].spent_minor).toBe(4200);
    expect(s.ledger.entries).toBe(3);
    expect(emptyTotals(MONTH)).toMatchObject({ entries: 0, by_currency: {} });
  });

  it("should undo the totals when the entry write fails, and keep them when it landed anyway", async () => {
    const inst = instrumented();
    const { snap, rebuild, bucket, post, totals } = await setup({ storage: inst.driver });
    const g = await bucket();
    await post({ kind: "expense", amount: "10", bucket_id: g.id });

    inst.faults.push({ ns: "budget.transactions", after: false });
    expect((await post({ kind: "expense", amount: "5", bucket_id: g.id })).status).toBe(500);
    expect((await snap()).buckets[0].spent_minor).toBe(1000);
    // Undone in place: the read did not have to fall back to a rebuild.
    expect(await totals.get(totalsId(MONTH))).toMatchObject({ entries: 1, rebuilt_at: null });

    inst.faults.push({ ns: "budget.transactions", after: true });
    expect((await post({ kind: "expense", amount: "7", bucket_id: g.id })).status).toBe(500);
    const s = await snap();
    expect(s.buckets[0].spent_minor).toBe(1700);
    expect(s.ledger.entries).toBe(2);
    expect(await totals.get(totalsId(MONTH))).toMatchObject({ entries: 2, rebuilt_at: null });
    expect((await rebuild()).body).toMatchObject({ entries: 2, changed: false });
  });

  it("should backfill totals for a store written before them, through the migration", async () => {
    const driver = memory();
    await driver.init();
    const defs = budget.storage as Record<string, CollectionDef>;
    const buckets = bindCollection<Record<string, unknown>, string>(driver, "budget.buckets", defs.buckets!);
    const ledger = bindCollection<Record<string, unknown>, string>(
      driver,
      "budget.transactions",
      defs.transactions!,
    );
    const b = await buckets.create({
      name: "Groceries",
      type: "essentials",
      priority: "A",
      monthly_limit_minor: 90000,
      rollover: "carry_all",
      status: "active",
      category: null,
      start_month: "2025-12",
      notes: null,
    });
    const entry = (month: string, kind: string, amount_minor: number) => ({
      kind,
      amount_minor,
      currency: "USD",
      date: `${month}-03`,
      month,
      bucket_id: kind === "expense" ? b.id : null,
      category: null,
      payee: null,
      memo: null,
      reverses: null,
      rule_ids: [],
      auto_fields: [],
      override: null,
      actor: "legacy",
    });
    for (const [m, k, a] of [
      ["2025-12", "expense", 10000],
      ["2026-01", "income", 300000],
      ["2026-01", "expense", 2500],
      ["2026-01", "expense", 500],
    ] as const)
      await ledger.create(entry(m, k, a));

    const { snap, totals } = await setup({ storage: driver });
    expect(await totals.get(totalsId("2025-12"))).toMatchObject({ entries: 1 });
    expect(await totals.get(totalsId(MONTH))).toMatchObject({ entries: 3 });
    const s = await snap();
    expect(s.ledger).toMatchObject({ income_minor: 300000, expense_minor: 3000, entries: 3 });
    // Dec: 900 − 100 = 800 carried; Jan: 800 + 900 − 30.
    expect(s.buckets[0]).toMatchObject({
      carryover_minor: 80000,
      spent_minor: 3000,
      available_minor: 167000,
    });
  });
});
