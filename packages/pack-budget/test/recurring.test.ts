import { afterEach, describe, expect, it } from "vitest";
import { merchantOf } from "../src/accept-recurring.js";
import { payeeKey } from "../src/recurring.js";
import { AcceptRecurringResponse, RecurringResponse } from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const csv = [
  "Date,Payee,Amount",
  "2026-01-02,ACME PAYROLL 0102,2500.00",
  "2026-01-03,SHELL OIL 5744,-41.07",
  "2026-01-05,PLANET FITNESS #12,-10.00",
  "2026-01-07,NETFLIX.COM,-15.49",
  "2026-01-09,SHELL OIL 8812,-38.50",
  "2026-01-16,ACME PAYROLL 0116,2500.00",
  "2026-01-30,ACME PAYROLL 0130,2500.00",
  "2026-02-05,PLANET FITNESS #12,-25.00",
  "2026-02-07,NETFLIX.COM,-15.49",
  "2026-02-11,SPOTIFY USA,-9.99",
  "2026-02-13,ACME PAYROLL 0213,2500.00",
  "2026-02-20,SHELL OIL 5744,-52.10",
  "2026-03-05,PLANET FITNESS #12,-10.00",
  "2026-03-07,NETFLIX.COM,-15.49",
  "2026-03-11,SPOTIFY USA,-9.99",
  "2026-04-07,NETFLIX.COM,-16.49",
].join("\n");

describe("budget recurring suggestions", () => {
  it("should suggest payees with a regular interval and a stable amount, and nothing else", async () => {
    const h = await budgetHost({ now: "2026-04-20T12:00:00Z", withBills: false });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const acct = (
      await call("POST", "/budget/accounts", { name: "A", type: "checking", opening_date: "2026-01-01" })
    ).body;
    const mapping = { date: "Date", payee: "Payee", amount: "Amount" };
    expect(
      (await call("POST", `/budget/accounts/${acct.id}/import`, { format: "csv", mapping, content: csv }))
        .body.created,
    ).toBe(16);
    // Entered by hand, not imported: not a suggestion source.
    for (const date of ["2026-01-10", "2026-02-10", "2026-03-10"])
      await call("POST", "/budget/transactions", {
        kind: "income",
        amount: "50",
        date,
        payee: "Rent share",
        account_id: acct.id,
      });
    const r = await call("GET", "/budget/recurring-suggestions");
    expect(r.status).toBe(200);
    const items = conforms(RecurringResponse, r.body).items;
    expect(items.map((s) => [s.payee, s.kind, s.cadence, s.interval_days, s.occurrences])).toEqual([
      ["ACME PAYROLL 0213", "income", "biweekly", 14, 4],
      ["NETFLIX.COM", "expense", "monthly", 31, 4],
    ]);
    expect(items[1]).toMatchObject({
      amount_minor: 1549,
      min_minor: 1549,
      max_minor: 1649,
      last_date: "2026-04-07",
      next_expected: "2026-05-08",
    });
    // Since February, payroll has one occurrence left and Netflix three.
    const since = await call("GET", "/budget/recurring-suggestions?since=2026-02-01");
    expect(
      since.body.items.map((s: { payee: string; occurrences: number }) => [s.payee, s.occurrences]),
    ).toEqual([["NETFLIX.COM", 3]]);
    expect((await call("GET", "/budget/recurring-suggestions?account_id=acct_nope")).status).toBe(404);
  });

  it("should accept a suggestion in one call: a bill in the bills pack, linked to the bucket, that the next statement settles", async () => {
    const h = await budgetHost({ now: "2026-04-20T12:00:00Z" });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const acct = (
      await call("POST", "/budget/accounts", { name: "A", type: "checking", opening_date: "2026-01-01" })
    ).body;
    const fun = (
      await call("POST", "/budget/buckets", {
        name: "Fun",
        type: "fun",
        priority: "D",
        monthly_limit: "50",
        start_month: "2026-01",
      })
    ).body;
    await call("POST", "/budget/rules", { name: "nf", payee_contains: "netflix", set_bucket_id: fun.id });
    const mapping = { date: "Date", payee: "Payee", amount: "Amount" };
    await call("POST", `/budget/accounts/${acct.id}/import`, { format: "csv", mapping, content: csv });
    const [payroll, netflix] = conforms(
      RecurringResponse,
      (await call("GET", "/budget/recurring-suggestions")).body,
    ).items;

    const res = await call("POST", "/budget/recurring-suggestions/accept", {
      entry_id: netflix!.entry_ids[0],
    });
    expect(res.status).toBe(201);
    const accepted = conforms(AcceptRecurringResponse, res.body);
    // The amounts varied (15.49, 16.49): a variable bill over that range.
    expect(accepted.bill).toMatchObject({
      name: "Netflix.Com",
      payee: "NETFLIX.COM",
      currency: "USD",
      amount_minor: null,
      min_minor: 1549,
      max_minor: 1649,
    });
    expect(accepted.link).toMatchObject({ bucket_id: fun.id, account_id: acct.id, since: "2026-04-08" });
    const bill = (await call("GET", `/bills/${accepted.bill.id}`)).body;
    expect(bill).toMatchObject({ cadence: "monthly", anchor_date: "2026-04-07", tracked_from: "2026-04-08" });
    // Accepting again, or another entry of it, would make a second bill: refused.
    const twice = await call("POST", "/budget/recurring-suggestions/accept", {
      entry_id: netflix!.entry_ids[1],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.bill_id).toBe(accepted.bill.id);
    // Income is not a bill; an unknown entry is named.
    const income = await call("POST", "/budget/recurring-suggestions/accept", {
      entry_id: payroll!.entry_ids[0],
    });
    expect(income.status).toBe(409);
    expect(income.body.errors[0]).toMatchObject({ field: "entry_id" });
    expect((await call("POST", "/budget/recurring-suggestions/accept", { entry_id: "tx_nope" })).status).toBe(
      404,
    );

    // May's statement settles the May occurrence.
    const may = await call("POST", `/budget/accounts/${acct.id}/import`, {
      format: "csv",
      mapping,
      content: "Date,Payee,Amount\n2026-05-07,NETFLIX.COM 866-579,-16.49",
    });
    expect(may.body.bill_matches).toMatchObject([{ bill_id: accepted.bill.id, occurrence: "2026-05-07" }]);
    const occ = await call("GET", `/bills/${accepted.bill.id}/occurrences?from=2026-05-01&to=2026-05-31`);
    expect(occ.body.items[0]).toMatchObject({ status: "paid" });
  });

  it("should take the merchant part of a bank payee for the bill", () => {
    expect(merchantOf("WHOLE FOODS MKT #10231 AUSTIN TX")).toBe("WHOLE FOODS MKT");
    expect(merchantOf("NETFLIX.COM")).toBe("NETFLIX.COM");
    expect(merchantOf("SHELL OIL 5744")).toBe("SHELL OIL");
    expect(merchantOf("7-ELEVEN 1234")).toBe("7-ELEVEN 1234");
  });

  it("should group a merchant's lines whatever their numbers", () => {
    expect(payeeKey("ACME PAYROLL PPD ID: 99120")).toBe("acme payroll ppd id");
    expect(payeeKey("NETFLIX.COM 866-579")).toBe(payeeKey("Netflix.com"));
  });
});
