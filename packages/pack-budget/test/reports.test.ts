import { afterEach, describe, expect, it } from "vitest";
import { SpendingReportResponse } from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("budget spending report", () => {
  it("should match a hand-computed ledger to the cent, leave transfers out, and download as CSV", async () => {
    const h = await budgetHost({ now: "2026-03-10T12:00:00Z", withBills: false });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const bucket = async (name: string) =>
      (
        await call("POST", "/budget/buckets", {
          name,
          type: "variable",
          priority: "B",
          monthly_limit: "500",
          start_month: "2026-01",
        })
      ).body.id as string;
    const g = await bucket("Groceries");
    const f = await bucket("Fun, misc");
    const acct = async (name: string) =>
      (await call("POST", "/budget/accounts", { name, type: "checking", opening_date: "2026-01-01" })).body
        .id;
    const chk = await acct("Checking");
    const sav = await acct("Savings");
    const post = async (kind: string, amount: string, date: string, extra: Record<string, unknown> = {}) => {
      const r = await call("POST", "/budget/transactions", { kind, amount, date, account_id: chk, ...extra });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    await post("income", "3000.00", "2026-01-01");
    await post("expense", "120.45", "2026-01-03", { bucket_id: g, category: "groceries" });
    await post("expense", "79.55", "2026-01-09", { bucket_id: g, category: "groceries" });
    await post("expense", "45.10", "2026-01-12", { bucket_id: f, category: "dining" });
    const movie = await post("expense", "30.00", "2026-01-13", { bucket_id: f, category: "entertainment" });
    expect((await call("POST", `/budget/transactions/${movie}/void`)).status).toBe(201);
    await call("POST", "/budget/transfers", {
      from_account_id: chk,
      to_account_id: sav,
      amount: "500",
      date: "2026-01-15",
    });
    await call("POST", `/budget/accounts/${chk}/import`, {
      format: "qif",
      content: "!Type:Bank\nD01/20/2026\nT-12.34\nPCORNER SHOP\n^\n",
    });
    await post("expense", "10.01", "2026-02-02", { bucket_id: g, category: "groceries" });

    const r = await call("GET", "/budget/reports/spending?from=2026-01&to=2026-03");
    expect(r.status).toBe(200);
    const report = conforms(SpendingReportResponse, r.body);
    expect(report.months[0]).toEqual({
      month: "2026-01",
      income_minor: 300000,
      expense_minor: 25744,
      net_minor: 274256,
      by_bucket: [
        { bucket_id: g, name: "Groceries", spent_minor: 20000 },
        { bucket_id: f, name: "Fun, misc", spent_minor: 4510 },
        { bucket_id: null, name: "(no bucket)", spent_minor: 1234 },
      ],
      by_category: [
        { category: "dining", spent_minor: 4510 },
        { category: "entertainment", spent_minor: 0 },
        { category: "groceries", spent_minor: 20000 },
        { category: null, spent_minor: 1234 },
      ],
      transfers: 2,
    });
    expect(report.months[1]).toMatchObject({ month: "2026-02", income_minor: 0, expense_minor: 1001 });
    expect(report.months[2]).toMatchObject({
      month: "2026-03",
      expense_minor: 0,
      by_bucket: [],
      by_category: [],
    });
    expect(report.totals).toEqual({ income_minor: 300000, expense_minor: 26745, net_minor: 273255 });
    // The same figures as the month totals the snapshots read.
    for (const m of report.months) {
      const ledger = (await call("GET", `/budget/snapshot?month=${m.month}`)).body.ledger;
      expect([m.income_minor, m.expense_minor]).toEqual([ledger.income_minor, ledger.expense_minor]);
    }

    const csv = await h.host.fetch(
      new Request("http://x/budget/reports/spending?from=2026-01&to=2026-02&format=csv"),
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain("spending-2026-01-2026-02.csv");
    const lines = (await csv.text()).split("\r\n");
    expect(lines.slice(0, 6)).toEqual([
      "month,section,key,name,amount",
      "2026-01,income,,,3000.00",
      "2026-01,expense,,,257.44",
      "2026-01,net,,,2742.56",
      `2026-01,bucket,${g},Groceries,200.00`,
      `2026-01,bucket,${f},"Fun, misc",45.10`,
    ]);
    expect(lines).toContain("2026-01,category,,(uncategorised),12.34");
    expect(lines.slice(-6)).toEqual([
      "2026-02,income,,,0.00",
      "2026-02,expense,,,10.01",
      "2026-02,net,,,-10.01",
      `2026-02,bucket,${g},Groceries,10.01`,
      "2026-02,category,groceries,groceries,10.01",
      "",
    ]);

    const backwards = await call("GET", "/budget/reports/spending?from=2026-03&to=2026-01");
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe("to");
    const bad = await call("GET", "/budget/reports/spending?from=2026-13&to=2026-01");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("from");
  });
});
