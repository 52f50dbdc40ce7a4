import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("budget household routes on bad input", () => {
  it("should answer every malformed request with a 4xx problem naming a field, never a 5xx", async () => {
    const h = await budgetHost({ now: "2026-01-15T12:00:00Z", withBills: false });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const acct = (
      await call("POST", "/budget/accounts", { name: "A", type: "cash", opening_date: "2026-01-01" })
    ).body;
    const imp = `/budget/accounts/${acct.id}/import`;
    const cases: [string, string, unknown][] = [
      ["POST", "/budget/accounts", { name: "", type: "cash", opening_date: "2026-01-01" }],
      ["POST", "/budget/accounts", { name: "A", type: "cash", opening_date: "2026-02-30" }],
      ["POST", "/budget/accounts", { name: "A", type: "cash", opening_date: "2026-01-01", currency: "XXY" }],
      ["PATCH", `/budget/accounts/${acct.id}`, {}],
      [
        "POST",
        "/budget/transfers",
        { from_account_id: acct.id, to_account_id: "x/../y", amount: "1", date: "2026-01-02" },
      ],
      [
        "POST",
        "/budget/transfers",
        { from_account_id: acct.id, to_account_id: acct.id, amount: "1e3", date: "2026-01-02" },
      ],
      ["POST", imp, { format: "xls", content: "a" }],
      ["POST", imp, { format: "csv", content: "" }],
      ["POST", imp, { format: "csv", content: "a,b\n1,2", mapping: { date: "a", payee: "b" } }],
      [
        "POST",
        imp,
        {
          format: "csv",
          content: "a,b,c\n1,2,3",
          mapping: { date: "a", payee: "b", amount: "c", debit: "c" },
        },
      ],
      [
        "POST",
        imp,
        { format: "csv", content: "a,b,c\n1,2,3", mapping: { date: "zz", payee: "b", amount: "c" } },
      ],
      [
        "POST",
        imp,
        { format: "csv", content: "a,b,c\n2026-01-02,2,3", mapping: { date: 0, payee: 1, amount: 99 } },
      ],
      [
        "POST",
        imp,
        {
          format: "csv",
          content: "x",
          preset: "signed-amount-mdy",
          mapping: { date: 0, payee: 1, amount: 2 },
        },
      ],
      ["POST", imp, { format: "ofx", content: "<OFX><STMTTRN><DTPOSTED>2026<TRNAMT>1</STMTTRN></OFX>" }],
      ["POST", imp, { format: "ofx", content: "<OFX>", preset: "signed-amount-mdy" }],
      ["POST", imp, { format: "qif", content: "\ud800" }],
      ["POST", imp, { format: "qif", content: "!Type:Bank\nD01/02/2026\nT99999999999999999\n^" }],
      ["POST", imp, { format: "qif", content: "!Type:Bank\nD01/02/2026\n^" }],
      [
        "POST",
        `/budget/accounts/${acct.id}/reconcile`,
        { statement_date: "2026-01-31", closing_balance: "1.2.3" },
      ],
      [
        "POST",
        `/budget/accounts/${acct.id}/reconcile`,
        { statement_date: "2025-01-31", closing_balance: "1" },
      ],
      ["POST", "/budget/inbox/tx_nope/categorise", { bucket_id: null, category: null }],
      ["POST", "/budget/inbox/tx_nope/categorise", { category: "Not A Slug" }],
      ["GET", "/budget/reports/spending?from=2020-01&to=2026-01", undefined],
      ["GET", "/budget/reports/spending?from=2026-01", undefined],
      ["GET", "/budget/reports/spending?from=2026-01&to=2026-01&format=xml", undefined],
      ["GET", "/budget/recurring-suggestions?since=yesterday", undefined],
      ["GET", "/budget/inbox?account_id=a%2Fb", undefined],
    ];
    for (const [method, path, body] of cases) {
      const r = await call(method, path, body);
      const where = `${method} ${path} ${JSON.stringify(body)}`;
      expect(r.status, where).toBeGreaterThanOrEqual(400);
      expect(r.status, where).toBeLessThan(500);
      expect(r.headers.get("content-type"), where).toContain("application/problem+json");
      expect(r.body.status, where).toBe(r.status);
      if (r.status === 400)
        expect(r.body.errors?.[0]?.field ?? r.body.errors?.[0]?.pointer, where).toBeTruthy();
    }
    expect((await call("GET", `/budget/transactions?account_id=${acct.id}`)).body.items).toEqual([]);
  });
});
