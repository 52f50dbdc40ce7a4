import { afterEach, describe, expect, it } from "vitest";
import {
  BillLinkResponse,
  BillMatchResponse,
  BillSyncResponse,
  EntryPageResponse,
  ImportResponse,
  SnapshotResponse,
} from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

// Bills and the ledger, linked through the bills pack's service: a bill paid in the bills pack is
// posted once to its bucket; a bank line that pays a bill settles the occurrence without a second
// entry; the cash plan counts a bill covered by a bucket once.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const rent = {
  name: "Rent",
  payee: "Landlord LLC",
  currency: "USD",
  amount: "1500.00",
  cadence: "monthly",
  anchor_date: "2026-01-01",
  tracked_from: "2026-01-01",
};
const internet = { ...rent, name: "Internet", payee: "Comcast", amount: "60.00", anchor_date: "2026-01-15" };

const csv = (rows: string[]) =>
  ["Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #", ...rows].join("\n");

async function setup(withBills = true) {
  const h = await budgetHost({ now: "2026-02-10T12:00:00Z", withBills });
  cleanups.push(() => h.host.close());
  const { call } = h;
  const ok = async (method: string, path: string, body?: unknown, status = [200, 201]) => {
    const res = await call(method, path, body);
    if (!status.includes(res.status))
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const account = await ok("POST", "/budget/accounts", {
    name: "Checking",
    type: "checking",
    opening_balance: "5000.00",
    opening_date: "2026-01-01",
  });
  const housing = await ok("POST", "/budget/buckets", {
    name: "Housing",
    type: "essentials",
    priority: "A",
    monthly_limit: "1500",
    start_month: "2026-01",
  });
  const entries = async () =>
    conforms(EntryPageResponse, (await call("GET", `/budget/transactions?account_id=${account.id}`)).body)
      .items as unknown as Record<string, unknown>[];
  const imp = (rows: string[], dry_run = false) =>
    call("POST", `/budget/accounts/${account.id}/import`, {
      format: "csv",
      preset: "signed-amount-mdy",
      content: csv(rows),
      dry_run,
    });
  return { ...h, ok, account, housing, entries, imp };
}

describe("bills linked to the budget", () => {
  it("should post a bill paid in the bills pack to its bucket once, and let the bank line confirm it instead of booking it again", async () => {
    const { call, ok, host, account, housing, entries, imp } = await setup();
    const bill = await ok("POST", "/bills", rent);
    const link = await call("PUT", `/budget/bill_links/${bill.id}`, {
      bucket_id: housing.id,
      account_id: account.id,
      since: "2026-01-01",
    });
    expect(link.status).toBe(201);
    expect(conforms(BillLinkResponse, link.body)).toMatchObject({ bill_id: bill.id, post_payments: true });
    expect(
      (
        await call("PUT", `/budget/bill_links/${bill.id}`, {
          bucket_id: housing.id,
          account_id: account.id,
          since: "2026-01-01",
        })
      ).status,
    ).toBe(200);

    const paid = await ok("POST", `/bills/${bill.id}/paid`, {
      amount: "1500.00",
      date: "2026-02-02",
      client_key: "feb-rent",
    });
    const sync = conforms(BillSyncResponse, await ok("POST", "/budget/bill_links/sync"));
    expect(sync).toEqual({
      posted: [{ entry_id: `tx_${paid.id}`, payment_id: paid.id, bill_id: bill.id, amount_minor: 150000 }],
      already: 0,
      refused: [],
    });
    // The job does the same and finds nothing left to post; a retried payment posts nothing either.
    await ok("POST", `/bills/${bill.id}/paid`, {
      amount: "1500.00",
      date: "2026-02-02",
      client_key: "feb-rent",
    });
    expect((await call("POST", "/jobs/budget/bill-payments/run")).status).toBe(202);
    await host.scheduler.idle();
    const runs = (await call("GET", "/jobs/budget/bill-payments/runs")).body.items;
    expect(runs[0]).toMatchObject({ outcome: "success" });

    const ledger = await entries();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      id: `tx_${paid.id}`,
      source: "bill",
      kind: "expense",
      amount_minor: 150000,
      bucket_id: housing.id,
      account_id: account.id,
      date: "2026-02-02",
      bill_payment: { bill_id: bill.id, occurrence: "2026-02-01", payment_id: paid.id },
    });
    const snap = conforms(SnapshotResponse, await ok("GET", "/budget/snapshot?month=2026-02"));
    expect(snap.buckets.find((b) => b.bucket_id === housing.id)).toMatchObject({ spent_minor: 150000 });

    // The bank's statement shows the same payment: it confirms the posted entry, books nothing new
    // and pays the bill nothing more.
    const bank = await imp(['DEBIT,02/03/2026,"LANDLORD LLC ACH PMT",-1500.00,ACH_DEBIT,3500.00,,']);
    expect(conforms(ImportResponse, bank.body)).toMatchObject({
      created: 0,
      matched: 1,
      bill_matches: [],
    });
    expect(await entries()).toHaveLength(1);
    expect((await ok("GET", `/bills/${bill.id}/payments`)).items).toHaveLength(1);
  });

  it("should settle the occurrence an imported bank line pays, once, show the match and undo it on request", async () => {
    const { call, ok, housing, account, entries, imp } = await setup();
    const rentBill = await ok("POST", "/bills", rent);
    const net = await ok("POST", "/bills", internet);
    await ok("PUT", `/budget/bill_links/${rentBill.id}`, {
      bucket_id: housing.id,
      account_id: account.id,
      since: "2026-01-01",
    });
    const rows = [
      'DEBIT,02/02/2026,"LANDLORD LLC ACH PMT",-1500.00,ACH_DEBIT,3500.00,,',
      'DEBIT,02/09/2026,"WHOLE FOODS MKT",-50.00,DEBIT_CARD,3450.00,,',
      'DEBIT,02/14/2026,"COMCAST CABLE 800-266",-60.00,ACH_DEBIT,3390.00,,',
    ];

    const dry = conforms(ImportResponse, (await imp(rows, true)).body);
    expect(dry.bill_matches.map((m) => [m.line, m.bill_id, m.occurrence, m.payment_id])).toEqual([
      [2, rentBill.id, "2026-02-01", null],
      [4, net.id, "2026-02-15", null],
    ]);
    expect((await ok("GET", `/bills/${rentBill.id}/payments`)).items).toEqual([]);

    const real = conforms(ImportResponse, (await imp(rows)).body);
    expect(real).toMatchObject({ created: 3, inbox: 2, categorised: 1 });
    expect(real.bill_matches.every((m) => m.payment_id !== null && m.error === undefined)).toBe(true);
    const byPayee = new Map((await entries()).map((e) => [e.payee as string, e]));
    const rentEntry = byPayee.get("LANDLORD LLC ACH PMT")!;
    const netEntry = byPayee.get("COMCAST CABLE 800-266")!;
    // The linked bill's bucket placed the line no rule placed; the unlinked bill's line waits in the inbox.
    expect(rentEntry).toMatchObject({ bucket_id: housing.id, inbox: false, source: "import" });
    expect(rentEntry.bill_payment).toMatchObject({ bill_id: rentBill.id, occurrence: "2026-02-01" });
    expect(netEntry).toMatchObject({
      inbox: true,
      bill_payment: { bill_id: net.id, occurrence: "2026-02-15" },
    });
    const [payment] = (await ok("GET", `/bills/${rentBill.id}/payments`)).items;
    expect(payment).toMatchObject({
      occurrence: "2026-02-01",
      amount_minor: 150000,
      ledger_ref: rentEntry.id,
    });
    const occ = await ok("GET", `/bills/${rentBill.id}/occurrences?from=2026-02-01&to=2026-02-28`);
    expect(occ.items[0]).toMatchObject({ status: "paid" });

    // The payment came from the ledger: the link posts nothing for it, and a re-import finds nothing new.
    expect(await ok("POST", "/budget/bill_links/sync")).toMatchObject({ posted: [], already: 1 });
    expect((await imp(rows)).body).toMatchObject({ created: 0, duplicates: 3, bill_matches: [] });
    expect(await entries()).toHaveLength(3);
    expect((await ok("GET", `/bills/${rentBill.id}/payments`)).items).toHaveLength(1);

    // Undo the internet match: the bill's payment goes, the entry stays; matching by hand again works once.
    const undone = await call("DELETE", `/budget/transactions/${netEntry.id}/bill_match`);
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ id: netEntry.id, bill_payment: null });
    expect((await ok("GET", `/bills/${net.id}/payments`)).items).toEqual([]);
    const again = await call("DELETE", `/budget/transactions/${netEntry.id}/bill_match`);
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/\/not-matched$/);
    const manual = conforms(
      BillMatchResponse,
      await ok("POST", `/budget/transactions/${netEntry.id}/bill_match`, { bill_id: net.id }),
    );
    const replay = await ok("POST", `/budget/transactions/${netEntry.id}/bill_match`, { bill_id: net.id });
    expect(replay.payment_id).toBe(manual.payment_id);
    expect((await ok("GET", `/bills/${net.id}/payments`)).items).toHaveLength(1);
    const other = await call("POST", `/budget/transactions/${netEntry.id}/bill_match`, {
      bill_id: rentBill.id,
    });
    expect(other.status).toBe(409);
    expect(other.body.type).toMatch(/\/already-matched$/);
  });

  it("should count a bill covered by a bucket once in the cash plan", async () => {
    const { ok, housing } = await setup();
    await ok("PUT", "/budget/house", {
      income_streams: [{ name: "Salary", monthly: "4000.00" }],
      buffer_target: "500.00",
    });
    const rentBill = await ok("POST", "/bills", rent);
    await ok("POST", "/bills", internet);
    const before = conforms(SnapshotResponse, await ok("GET", "/budget/snapshot?month=2026-03"));
    expect(before.cash_plan).toMatchObject({
      bills_minor: 156000,
      bills_in_buckets_minor: 0,
      allocated_minor: 150000,
      planned_outflow_minor: 306000,
      gap_minor: 400000 - 306000,
    });
    await ok("PUT", `/budget/bill_links/${rentBill.id}`, { bucket_id: housing.id });
    const after = conforms(SnapshotResponse, await ok("GET", "/budget/snapshot?month=2026-03"));
    expect(after.bills).toMatchObject({ expected_minor: 156000 });
    expect(after.cash_plan).toMatchObject({
      bills_minor: 6000,
      bills_in_buckets_minor: 150000,
      allocated_minor: 150000,
      planned_outflow_minor: 156000,
      gap_minor: 400000 - 156000,
    });
    await ok("DELETE", `/budget/bill_links/${rentBill.id}`, undefined, [204]);
    expect((await ok("GET", "/budget/snapshot?month=2026-03")).cash_plan.bills_minor).toBe(156000);
  });

  it("should refuse bad links with a problem naming the field, and say so when the bills pack is missing", async () => {
    const { call, ok, housing, account } = await setup();
    const bill = await ok("POST", "/bills", rent);
    const euro = await ok("POST", "/bills", { ...rent, name: "Flat in Berlin", currency: "EUR" });
    const unknownBill = await call("PUT", "/budget/bill_links/bill_nope", { bucket_id: housing.id });
    expect(unknownBill.status).toBe(404);
    const unknownBucket = await call("PUT", `/budget/bill_links/${bill.id}`, { bucket_id: "bk_nope" });
    expect(unknownBucket.status).toBe(422);
    expect(unknownBucket.body.errors[0]).toMatchObject({ field: "bucket_id" });
    const currency = await call("PUT", `/budget/bill_links/${euro.id}`, {
      bucket_id: housing.id,
      account_id: account.id,
    });
    expect(currency.status).toBe(422);
    expect(currency.body.type).toMatch(/\/currency-mismatch$/);
    expect(currency.body.errors[0]).toMatchObject({ field: "account_id" });
    const extra = await call("PUT", `/budget/bill_links/${bill.id}`, { bucket_id: housing.id, amount: "1" });
    expect(extra.status).toBe(400);
    expect((await ok("GET", "/budget/bill_links")).items).toEqual([]);
    const income = await ok("POST", "/budget/transactions", {
      kind: "income",
      amount: "10.00",
      date: "2026-02-05",
      payee: "Refund",
      memo: null,
    });
    const notExpense = await call("POST", `/budget/transactions/${income.id}/bill_match`, {
      bill_id: bill.id,
    });
    expect(notExpense.status).toBe(409);
    expect(notExpense.body.type).toMatch(/\/not-matchable$/);

    const alone = await setup(false);
    const res = await alone.call("PUT", `/budget/bill_links/${bill.id}`, { bucket_id: alone.housing.id });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/\/bills-not-installed$/);
    expect((await alone.call("POST", "/budget/bill_links/sync")).body).toEqual({
      posted: [],
      already: 0,
      refused: [],
    });
  });
});
