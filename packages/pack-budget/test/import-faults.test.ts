import { type Driver, memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A memory driver whose n-th write (or batch) of ledger entries fails before committing. */
function failingAt(n: number) {
  const driver = memory();
  let seen = 0;
  const state = { armed: false };
  const fails = (ns: string) => state.armed && ns === "budget.transactions" && ++seen === n;
  const wrapped: Driver = {
    ...driver,
    write: async (ns, req) => {
      if (fails(ns)) throw new Error("injected storage failure");
      return driver.write(ns, req);
    },
    writeMany: async (ns, reqs) => {
      if (fails(ns)) throw new Error("injected storage failure");
      return driver.writeMany!(ns, reqs);
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
    // Entries are written month by month, each month one batch: fail February's.
    const { driver, state } = failingAt(2);
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
    // January landed whole; February's batch landed not at all; March was never reached.
    const landed = (await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items;
    expect(landed.map((e: { payee: string }) => e.payee).sort()).toEqual(["A", "B"]);
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(-2100);
    expect((await call("GET", "/budget/snapshot?month=2026-03")).body.ledger.entries).toBe(0);
    const january = (await call("GET", "/budget/snapshot?month=2026-01")).body.ledger;
    const rebuilt = await call("POST", "/budget/months/2026-01/totals/rebuild");
    expect(rebuilt.body.changed).toBe(false);
    expect(january.expense_minor).toBe(rebuilt.body.by_currency.USD.expense_minor);
    // February's totals were dropped with its batch: its figures are those of an empty month.
    const february = (await call("GET", "/budget/snapshot?month=2026-02")).body.ledger;
    expect(february).toMatchObject({ entries: 0, income_minor: 0, expense_minor: 0 });
    expect((await call("POST", `/budget/accounts/${acct.id}/balance/rebuild`)).body.changed).toBe(false);

    const retry = await call("POST", `/budget/accounts/${acct.id}/import`, { format: "qif", content: qif });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ created: 4, duplicates: 2 });
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(-6000 + 20000);
    expect((await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items).toHaveLength(6);
  });
});
