import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ReconcileResponse } from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const ofx = readFileSync(new URL("./fixtures/checking-jan.ofx", import.meta.url), "utf8");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const h = await budgetHost({ now: "2026-02-10T12:00:00Z", withBills: false });
  cleanups.push(() => h.host.close());
  const { call } = h;
  const acct = (
    await call("POST", "/budget/accounts", {
      name: "Checking",
      type: "checking",
      opening_balance: "500.00",
      opening_date: "2026-01-01",
    })
  ).body;
  const imported = await call("POST", `/budget/accounts/${acct.id}/import`, { format: "ofx", content: ofx });
  expect(imported.body.created).toBe(4);
  const reconcile = (body: Record<string, unknown>) =>
    call("POST", `/budget/accounts/${acct.id}/reconcile`, { statement_date: "2026-01-31", ...body });
  return { ...h, acct, reconcile };
}

describe("budget reconciliation", () => {
  it("should find zero difference after the matching import and lock the reconciled range", async () => {
    const { call, acct, reconcile } = await setup();
    const r = await reconcile({ closing_balance: "2267.84", lock: true });
    expect(r.status).toBe(200);
    expect(conforms(ReconcileResponse, r.body)).toMatchObject({
      ledger_balance_minor: 226784,
      cleared_balance_minor: 226784,
      difference_minor: 0,
      reconciled: true,
      locked_through: "2026-01-31",
      cleared: { count: 4, effect_minor: 176784 },
      uncleared: [],
      suspects: [],
      explanation: "The ledger matches the statement.",
    });
    const inRange = await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "1",
      date: "2026-01-31",
      account_id: acct.id,
    });
    expect(inRange.status).toBe(409);
    expect(inRange.body.type).toMatch(/reconciled-range-locked$/);
    expect(inRange.body.locked_through).toBe("2026-01-31");
    const entries = (await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items;
    const voided = await call("POST", `/budget/transactions/${entries[0].id}/void`);
    expect(voided.status).toBe(409);
    expect(voided.body.type).toMatch(/reconciled-range-locked$/);
    const other = (
      await call("POST", "/budget/accounts", { name: "Cash", type: "cash", opening_date: "2026-01-01" })
    ).body;
    const transfer = await call("POST", "/budget/transfers", {
      from_account_id: other.id,
      to_account_id: acct.id,
      amount: "5",
      date: "2026-01-15",
    });
    expect(transfer.status).toBe(409);
    const late = await call("POST", `/budget/accounts/${acct.id}/import`, {
      format: "qif",
      content: "!Type:Bank\nD02/01/2026\nT-3\nPA\n^\nD01/30/2026\nT-4\nPB\n^\n",
    });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain("line 6");
    const after = await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "1",
      date: "2026-02-01",
      account_id: acct.id,
    });
    expect(after.status).toBe(201);
  });

  it("should name the uncleared entry that explains a non-zero difference, and refuse to lock it", async () => {
    const { call, acct, reconcile } = await setup();
    const cash = await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "25.00",
      date: "2026-01-25",
      account_id: acct.id,
      payee: "Refund entered by hand",
    });
    await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "7",
      date: "2026-01-26",
      account_id: acct.id,
    });
    const r = await reconcile({ closing_balance: "2267.84" });
    expect(conforms(ReconcileResponse, r.body)).toMatchObject({
      ledger_balance_minor: 226784 + 2500 + 700,
      cleared_balance_minor: 226784,
      difference_minor: -3200,
      reconciled: false,
    });
    expect(r.body.uncleared.map((u: { id: string }) => u.id)).toHaveLength(2);
    expect(r.body.suspects).toEqual([]);
    const seven = await reconcile({ closing_balance: "2292.84" });
    expect(seven.body.difference_minor).toBe(-700);
    expect(seven.body.suspects).toHaveLength(1);
    expect(seven.body.suspects[0]).toMatchObject({ effect_minor: 700, kind: "income" });
    const locked = await reconcile({ closing_balance: "2292.84", lock: true });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({
      difference_minor: -700,
      type: expect.stringMatching(/not-reconciled$/),
    });
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.locked_through).toBeNull();
    expect(cash.status).toBe(201);
  });

  it("should report a statement line missing from the ledger", async () => {
    const { reconcile } = await setup();
    const r = await reconcile({ closing_balance: "2257.85" });
    expect(r.body).toMatchObject({ difference_minor: -999, reconciled: false, uncleared: [], suspects: [] });
    expect(r.body.explanation).toContain("9.99 less than the ledger");
    const early = await reconcile({ statement_date: "2026-01-10", closing_balance: "437.82" });
    expect(early.body).toMatchObject({
      ledger_balance_minor: 43782,
      difference_minor: 0,
      cleared: { count: 1 },
    });
    const bad = await reconcile({ closing_balance: "12.345" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("closing_balance");
  });
});
