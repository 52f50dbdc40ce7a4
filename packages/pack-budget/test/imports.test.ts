import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  AccountResponse,
  EntryPageResponse,
  EntryResponse,
  ImportResponse,
} from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(config: Record<string, unknown> = {}) {
  const h = await budgetHost({ now: "2026-02-10T12:00:00Z", withBills: false, ...config });
  cleanups.push(() => h.host.close());
  const { call } = h;
  const account = async (body: Record<string, unknown> = {}) =>
    (
      await call("POST", "/budget/accounts", {
        name: "Checking",
        type: "checking",
        opening_balance: "3000.00",
        opening_date: "2026-01-01",
        ...body,
      })
    ).body;
  const bucket = async (name: string, type: string, priority: string) =>
    (
      await call("POST", "/budget/buckets", {
        name,
        type,
        priority,
        monthly_limit: "500",
        start_month: "2026-01",
      })
    ).body;
  const entries = async (accountId: string) => {
    const out: {
      id: string;
      bank_ref: string | null;
      payee: string;
      inbox: boolean;
      bucket_id: string | null;
    }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof out; next_cursor: string | null } } = await call(
        "GET",
        `/budget/transactions?account_id=${accountId}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      out.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    return out;
  };
  const imp = (accountId: string, body: Record<string, unknown>) =>
    call("POST", `/budget/accounts/${accountId}/import`, body);
  return { ...h, account, bucket, entries, imp };
}

describe("budget bank import", () => {
  it("should import a CSV twice and an overlapping statement, finding each transaction exactly once", async () => {
    const { call, account, bucket, entries, imp } = await setup();
    const acct = await account();
    const groceries = await bucket("Groceries", "essentials", "A");
    const fun = await bucket("Fun", "fun", "D");
    await call("POST", "/budget/rules", {
      name: "wf",
      payee_contains: "whole foods",
      set_bucket_id: groceries.id,
      set_category: "groceries",
    });
    await call("POST", "/budget/rules", {
      name: "nf",
      payee_contains: "netflix",
      set_bucket_id: fun.id,
      set_category: "subscriptions",
    });
    await call("POST", "/budget/rules", {
      name: "pay",
      kind: "income",
      payee_contains: "payroll",
      set_category: "misc",
    });
    const first = await imp(acct.id, {
      format: "csv",
      preset: "signed-amount-mdy",
      content: fixture("us-checking-jan.csv"),
    });
    expect(first.status).toBe(200);
    expect(conforms(ImportResponse, first.body)).toMatchObject({
      rows: 6,
      created: 6,
      duplicates: 0,
      categorised: 3,
      inbox: 3,
      months: ["2026-01"],
      statement: null,
    });
    const again = await imp(acct.id, {
      format: "csv",
      preset: "signed-amount-mdy",
      content: fixture("us-checking-jan.csv"),
    });
    expect(again.body).toMatchObject({ rows: 6, created: 0, duplicates: 6, inbox: 0 });
    const overlap = await imp(acct.id, {
      format: "csv",
      preset: "signed-amount-mdy",
      content: fixture("us-checking-overlap.csv"),
    });
    expect(overlap.body).toMatchObject({ rows: 5, created: 1, duplicates: 4 });
    expect(overlap.body.preview[0]).toMatchObject({
      line: 6,
      payee: "SHELL OIL 5744 AUSTIN",
      amount: "41.07",
      inbox: true,
    });
    const all = await entries(acct.id);
    expect(all).toHaveLength(7);
    expect(new Set(all.map((e) => e.bank_ref)).size).toBe(7);
    expect(all.filter((e) => e.payee === "STARBUCKS, AUSTIN")).toHaveLength(2);
    // The Netflix expense went into a priority D bucket with essentials unfunded: imports skip the gate.
    expect(all.find((e) => e.payee === "NETFLIX.COM")).toMatchObject({ bucket_id: fun.id, inbox: false });
    // The account's balance is the bank's closing balance after the last row (4150.32).
    expect(
      conforms(AccountResponse, (await call("GET", `/budget/accounts/${acct.id}`)).body).balance_minor,
    ).toBe(415032);
    const snap = (await call("GET", "/budget/snapshot?month=2026-01")).body;
    expect(snap.ledger).toMatchObject({
      income_minor: 250000,
      expense_minor: 8412 + 1549 + 900 + 120000 + 4107,
    });
    expect(snap.buckets.find((b: { bucket_id: string }) => b.bucket_id === fun.id).spent_minor).toBe(1549);
    expect((await call("POST", "/budget/months/2026-01/totals/rebuild")).body.changed).toBe(false);
    expect((await call("POST", `/budget/accounts/${acct.id}/balance/rebuild`)).body.changed).toBe(false);
  });

  it("should let a bank line confirm a hand-entered entry instead of booking it twice", async () => {
    const { call, account, bucket, imp, entries } = await setup();
    const acct = await account({ opening_balance: "500.00" });
    const g = await bucket("Groceries", "essentials", "A");
    const hand = await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "62.18",
      date: "2026-01-02",
      account_id: acct.id,
      bucket_id: g.id,
      payee: "Kroger",
    });
    // Same amount, but 5 days from the bank's date: not the same purchase.
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "9.99",
      date: "2026-01-14",
      account_id: acct.id,
      bucket_id: g.id,
    });
    const dry = await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx"), dry_run: true });
    expect(dry.body).toMatchObject({ matched: 1, created: 3 });
    expect((await call("GET", `/budget/transactions/${hand.body.id}`)).body.bank_ref).toBeNull();
    const first = await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    expect(conforms(ImportResponse, first.body)).toMatchObject({
      rows: 4,
      matched: 1,
      created: 3,
      duplicates: 0,
    });
    expect(first.body.matches).toEqual([
      { line: 39, ref: expect.stringMatching(/^br_/), entry_id: hand.body.id },
    ]);
    const confirmed = (await call("GET", `/budget/transactions/${hand.body.id}`)).body;
    expect(confirmed).toMatchObject({
      bank_ref: first.body.matches[0].ref,
      bucket_id: g.id,
      amount_minor: 6218,
    });
    expect(await entries(acct.id)).toHaveLength(5);
    const again = await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    expect(again.body).toMatchObject({ matched: 0, created: 0, duplicates: 4 });
    const r = await call("POST", `/budget/accounts/${acct.id}/reconcile`, {
      statement_date: "2026-01-31",
      closing_balance: "2267.84",
    });
    // The hand-entered 9.99 is the only uncleared entry, and it explains the whole difference.
    expect(r.body).toMatchObject({ difference_minor: 999, cleared: { count: 4 } });
    expect(r.body.suspects.map((u: { effect_minor: number }) => u.effect_minor)).toEqual([-999]);
  });

  it("should save a CSV mapping on the account and use it for the next import", async () => {
    const { account, imp, entries } = await setup({ config: { budget: { currency: "GBP" } } });
    const acct = await account({ name: "Current", opening_balance: "2000.00" });
    const mapping = {
      date: "Date",
      payee: "Description",
      memo: "Reference",
      debit: "Paid out",
      credit: "Paid in",
      date_format: "DD/MM/YYYY",
    };
    const none = await imp(acct.id, { format: "csv", content: fixture("uk-current-jan.csv") });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].field).toBe("mapping");
    const first = await imp(acct.id, { format: "csv", mapping, content: fixture("uk-current-jan.csv") });
    expect(first.body).toMatchObject({ created: 4, inbox: 4 });
    const second = await imp(acct.id, { format: "csv", content: fixture("uk-current-jan.csv") });
    expect(second.body).toMatchObject({ created: 0, duplicates: 4 });
    expect(await entries(acct.id)).toHaveLength(4);
  });

  it("should import OFX (FITID dedupe, statement balance) and QIF twice", async () => {
    const { call, account, imp, entries } = await setup();
    const chk = await account({ opening_balance: "500.00" });
    const card = await account({ name: "Card", type: "credit_card", opening_balance: "-100.00" });
    const ofx = await imp(chk.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    expect(ofx.body).toMatchObject({
      rows: 4,
      created: 4,
      statement: { balance_minor: 226784, as_of: "2026-01-31" },
    });
    expect((await imp(chk.id, { format: "ofx", content: fixture("checking-jan.ofx") })).body).toMatchObject({
      created: 0,
      duplicates: 4,
    });
    expect((await call("GET", `/budget/accounts/${chk.id}`)).body.balance_minor).toBe(226784);
    const qif = await imp(card.id, { format: "qif", content: fixture("card-jan.qif") });
    expect(qif.body).toMatchObject({ rows: 4, created: 4 });
    expect((await imp(card.id, { format: "qif", content: fixture("card-jan.qif") })).body).toMatchObject({
      created: 0,
      duplicates: 4,
    });
    expect(await entries(card.id)).toHaveLength(4);
    expect((await call("GET", `/budget/accounts/${card.id}`)).body.balance_minor).toBe(
      -10000 - 5420 - 3600 + 25000,
    );
  });

  it("should refuse a broken file with 400 naming line and field, leaving the ledger unchanged", async () => {
    const { call, account, imp, entries } = await setup();
    const acct = await account();
    await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    const before = {
      entries: await entries(acct.id),
      account: (await call("GET", `/budget/accounts/${acct.id}`)).body,
      snap: (await call("GET", "/budget/snapshot?month=2026-01")).body.ledger,
    };
    // Row 7 is bad; rows 2–6 are new and valid, and must not be written either.
    const csv = fixture("us-checking-jan.csv").replace("-1200.00", "-12OO.00");
    const bad = await imp(acct.id, { format: "csv", preset: "signed-amount-mdy", content: csv });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.body).toMatchObject({ line: 7, type: expect.stringMatching(/import-invalid-line$/) });
    expect(bad.body.detail).toContain("Line 7: 'amount'");
    expect(bad.body.errors[0]).toMatchObject({ pointer: "/body/content", field: "amount", line: 7 });
    const qif = await imp(acct.id, {
      format: "qif",
      content: fixture("card-jan.qif").replace("D01/28/2026", "D2026-28-01"),
    });
    expect(qif.status).toBe(400);
    expect(qif.body.errors[0]).toMatchObject({ field: "D", line: 17 });
    const early = await imp(acct.id, { format: "qif", content: "!Type:Bank\nD12/31/2025\nT-1\nPX\n^\n" });
    expect(early.status).toBe(422);
    expect(early.body.detail).toContain("line 2");
    expect(await entries(acct.id)).toEqual(before.entries);
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body).toEqual(before.account);
    expect((await call("GET", "/budget/snapshot?month=2026-01")).body.ledger).toEqual(before.snap);
  });

  it("should show a dry run's counts and first entries without writing", async () => {
    const { call, account, imp, entries } = await setup();
    const acct = await account();
    const dry = await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx"), dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, rows: 4, created: 4, inbox: 4 });
    expect(dry.body.preview.map((p: { line: number }) => p.line)).toEqual([39, 47, 54, 62]);
    expect(await entries(acct.id)).toEqual([]);
    expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(300000);
  });

  it("should route unmatched lines to the inbox and categorise them from there", async () => {
    const { call, account, bucket, imp } = await setup();
    const acct = await account();
    const g = await bucket("Groceries", "essentials", "A");
    await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    const inbox = await call("GET", `/budget/inbox?account_id=${acct.id}`);
    expect(conforms(EntryPageResponse, inbox.body).items).toHaveLength(4);
    const kroger = inbox.body.items.find((e: { payee: string }) => e.payee === "KROGER #442");
    const noBucket = await call("POST", `/budget/inbox/${kroger.id}/categorise`, { category: "groceries" });
    expect(noBucket.status).toBe(400);
    expect(noBucket.body.errors[0].field).toBe("bucket_id");
    const done = await call("POST", `/budget/inbox/${kroger.id}/categorise`, {
      bucket_id: g.id,
      category: "groceries",
    });
    expect(done.status).toBe(200);
    expect(conforms(EntryResponse, done.body)).toMatchObject({
      bucket_id: g.id,
      category: "groceries",
      inbox: false,
    });
    expect((await call("POST", `/budget/inbox/${kroger.id}/categorise`, { bucket_id: g.id })).status).toBe(
      409,
    );
    expect((await call("GET", "/budget/inbox")).body.items).toHaveLength(3);
    const fig = (await call("GET", `/budget/buckets/${g.id}?month=2026-01`)).body.figures;
    expect(fig.spent_minor).toBe(6218);
    expect((await call("POST", "/budget/months/2026-01/totals/rebuild")).body.changed).toBe(false);
    // Voiding an inbox entry takes it out of the inbox too.
    const spotify = (await call("GET", "/budget/inbox")).body.items.find(
      (e: { memo: string | null }) => e.memo === "Family add-on",
    );
    expect((await call("POST", `/budget/transactions/${spotify.id}/void`)).status).toBe(201);
    expect((await call("GET", "/budget/inbox")).body.items).toHaveLength(2);
    // A rule added later takes entries out of the inbox when re-run.
    await call("POST", "/budget/rules", { name: "sp", payee_contains: "spotify", set_bucket_id: g.id });
    expect((await call("POST", "/budget/rules/apply?month=2026-01")).body.changed).toBe(1);
    expect((await call("GET", "/budget/inbox")).body.items.map((e: { payee: string }) => e.payee)).toEqual([
      "ACME CORP PAYROLL",
    ]);
  });

  it("should write each line once when the same file is imported concurrently", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-imp-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const storage of ["memory:", `sqlite:${join(dir, "i.db")}`]) {
      const { call, account, imp, entries } = await setup({ storage });
      const acct = await account({ opening_balance: "500.00" });
      const body = { format: "ofx", content: fixture("checking-jan.ofx") };
      const results = await Promise.all([imp(acct.id, body), imp(acct.id, body), imp(acct.id, body)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.map((r) => r.body.created).sort()).toEqual([0, 0, 4]);
      expect(await entries(acct.id)).toHaveLength(4);
      expect((await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor).toBe(226784);
    }
  });

  it("should refuse new lines in a closed month naming the line, but accept a re-import of known ones", async () => {
    const { call, account, imp } = await setup();
    const acct = await account();
    await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") });
    expect((await call("POST", "/budget/months/2026-01/close")).status).toBe(201);
    expect(
      (await imp(acct.id, { format: "ofx", content: fixture("checking-jan.ofx") })).body.duplicates,
    ).toBe(4);
    const late = await imp(acct.id, { format: "qif", content: "!Type:Bank\nD01/30/2026\nT-5\nPLATE\n^\n" });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ line: 2, month: "2026-01" });
  });
});
