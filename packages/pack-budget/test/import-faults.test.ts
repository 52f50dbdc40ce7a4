import { type Driver, memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A memory driver whose n-th write of ledger entries fails (before committing). */
function failingAt(n: number) {
  const driver = memory();
  let seen = 0;
  const state = { armed: false };
  const wrapped: Driver = {
    ...driver,
    write: async (ns, req) => {
      if (state.armed && ns === "budget.transactions" && ++seen === n)
        throw new Error("injected storage failure");
      return driver.write(ns, req);
    },
  };
  return { driver: wrapped, state };
}

const qif = [
  "!Type:Bank",
  ...[
    ["01/05/2026", "-10.00", "A"],
    ["01/06/2026", "-11.00", "B"],
    ["02/05/2026", "-12.00", "C"],
    ["02/06/2026", "-13.00", "D"],
    ["02/07/2026", "200.00", "E"],
    ["03/05/2026", "-14.00", "F"],
  ].flatMap(([d, t, p]) => [`D${d}`, `T${t}`, `P${p}`, "^"]),
].join("\n");

describe("budget import write phase", () => {
  it("should leave consistent totals after a failure part-way, and a re-import should write only the rest", async () => {
    const { driver, state } = failingAt(4);
    const h = await budgetHost({ now: "2026-03-20T12:00:00Z", withBills: false, storage: driver });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const acct = (
      await call("POST", "/budget/accounts", { name: "A", type: "checking", opening_date: "2026-01-01" })
    ).body;
    state.armed = true;
    const failed = await call("POST", `/budget/accounts/${acct.id}/import`, { format: "qif", content: qif });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toContain("application/problem+json");
    // January landed whole; February's batch stopped after its first entry; March was never reached.
    const landed = (await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items;
    expect(landed.map((e: { payee: string }) => e.payee).sort()).toEqual(["A", "B", "C"]);
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(-3300);
    expect((await call("GET", "/budget/snapshot?month=2026-03")).body.ledger.entries).toBe(0);
    for (const m of ["2026-01", "2026-02"]) {
      const snap = (await call("GET", `/budget/snapshot?month=${m}`)).body.ledger;
      const rebuilt = await call("POST", `/budget/months/${m}/totals/rebuild`);
      expect(rebuilt.body.changed).toBe(false);
      expect(snap.expense_minor).toBe(rebuilt.body.by_currency.USD?.expense_minor ?? 0);
    }
    expect((await call("POST", `/budget/accounts/${acct.id}/balance/rebuild`)).body.changed).toBe(false);

    const retry = await call("POST", `/budget/accounts/${acct.id}/import`, { format: "qif", content: qif });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ created: 3, duplicates: 3 });
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(-6000 + 20000);
    expect((await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items).toHaveLength(6);
  });
});
