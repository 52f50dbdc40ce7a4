import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AccountResponse, TransferResponse } from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(storage = "memory:") {
  const h = await budgetHost({ now: "2026-01-15T12:00:00Z", withBills: false, storage });
  cleanups.push(() => h.host.close());
  const { call } = h;
  const account = async (body: Record<string, unknown> = {}) =>
    (
      await call("POST", "/budget/accounts", {
        name: "Checking",
        type: "checking",
        opening_balance: "1000.00",
        opening_date: "2026-01-01",
        ...body,
      })
    ).body;
  const bucket = async () =>
    (
      await call("POST", "/budget/buckets", {
        name: "Groceries",
        type: "essentials",
        monthly_limit: "900",
        priority: "A",
        start_month: "2026-01",
      })
    ).body;
  /** Opening balance + every entry of the account, read page by page through the API. */
  const recomputed = async (id: string) => {
    const acct = (await call("GET", `/budget/accounts/${id}`)).body;
    let sum = acct.opening_balance_minor;
    let cursor: string | null = null;
    do {
      const page: { body: { items: { kind: string; amount_minor: number }[]; next_cursor: string | null } } =
        await call(
          "GET",
          `/budget/transactions?account_id=${id}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
        );
      for (const e of page.body.items)
        sum += e.kind === "income" || e.kind === "transfer_in" ? e.amount_minor : -e.amount_minor;
      cursor = page.body.next_cursor;
    } while (cursor);
    return sum;
  };
  return { ...h, account, bucket, recomputed };
}

describe("budget accounts", () => {
  it("should derive the balance from the ledger through posts and voids, and match a full recomputation", async () => {
    const { call, account, bucket, recomputed } = await setup();
    const created = await call("POST", "/budget/accounts", {
      name: "Visa",
      type: "credit_card",
      opening_balance: "-250.10",
      opening_date: "2026-01-01",
    });
    expect(created.status).toBe(201);
    expect(conforms(AccountResponse, created.body)).toMatchObject({ balance_minor: -25010, currency: "USD" });
    const chk = await account();
    const g = await bucket();
    const post = (body: Record<string, unknown>) =>
      call("POST", "/budget/transactions", { date: "2026-01-05", account_id: chk.id, ...body });
    expect((await post({ kind: "income", amount: "2000" })).status).toBe(201);
    const spend = await post({ kind: "expense", amount: "120.55", bucket_id: g.id });
    expect(spend.status).toBe(201);
    expect(spend.body.account_id).toBe(chk.id);
    await post({ kind: "expense", amount: "0.45", bucket_id: g.id });
    let got = await call("GET", `/budget/accounts/${chk.id}`);
    expect(got.status).toBe(200);
    expect(conforms(AccountResponse, got.body)).toMatchObject({
      balance_minor: 100000 + 200000 - 12055 - 45,
      balance: "2879.00",
      entries: 3,
    });
    expect((await call("POST", `/budget/transactions/${spend.body.id}/void`)).status).toBe(201);
    got = await call("GET", `/budget/accounts/${chk.id}`);
    expect(got.body.balance_minor).toBe(100000 + 200000 - 45);
    expect(got.body.balance_minor).toBe(await recomputed(chk.id));
    const rebuilt = await call("POST", `/budget/accounts/${chk.id}/balance/rebuild`);
    expect(rebuilt.body).toEqual({ account_id: chk.id, entries: 4, changed: false, balance_minor: 299955 });
    // Entries without an account still post, and leave balances alone.
    expect(
      (await call("POST", "/budget/transactions", { kind: "income", amount: "5", date: "2026-01-05" }))
        .status,
    ).toBe(201);
    expect((await call("GET", `/budget/accounts/${chk.id}`)).body.balance_minor).toBe(299955);
  });

  it("should list, patch, refuse to delete a used account and delete an unused one", async () => {
    const { call, account } = await setup();
    const used = await account();
    const unused = await account({ name: "Cash", type: "cash", opening_balance: "0" });
    await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "5",
      date: "2026-01-02",
      account_id: used.id,
    });
    const list = await call("GET", "/budget/accounts?type=checking");
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([used.id]);
    const patched = await call(
      "PATCH",
      `/budget/accounts/${used.id}`,
      { name: "Main" },
      { "if-match": '"1"' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Main", balance_minor: 100500 });
    const stale = await call("PATCH", `/budget/accounts/${used.id}`, { name: "X" }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    const refused = await call("DELETE", `/budget/accounts/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/account-in-use$/);
    expect((await call("DELETE", `/budget/accounts/${unused.id}`)).status).toBe(204);
    expect((await call("GET", `/budget/accounts/${unused.id}`)).status).toBe(404);
  });

  it("should refuse bad account input naming the field", async () => {
    const { call, account } = await setup();
    const chk = await account();
    const bad = await call("POST", "/budget/accounts", {
      name: "X",
      type: "brokerage",
      opening_date: "2026-01-01",
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    expect(bad.body.errors[0].field).toBe("type");
    const money = await call("POST", "/budget/accounts", {
      name: "X",
      type: "cash",
      opening_balance: "1.001",
      opening_date: "2026-01-01",
    });
    expect(money.status).toBe(400);
    expect(money.body.errors[0].field).toBe("opening_balance");
    const unknown = await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "1",
      date: "2026-01-02",
      account_id: "acct_nope",
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("account_id");
    const early = await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "1",
      date: "2025-12-31",
      account_id: chk.id,
    });
    expect(early.status).toBe(422);
    expect(early.body.type).toMatch(/before-account-opening$/);
  });
});

describe("budget transfers", () => {
  it("should move money between accounts without touching spending or month totals, and void both legs", async () => {
    const { call, account, bucket } = await setup();
    const chk = await account();
    const sav = await account({ name: "Savings", type: "savings", opening_balance: "50" });
    const g = await bucket();
    await call("POST", "/budget/transactions", {
      kind: "income",
      amount: "900",
      date: "2026-01-02",
      account_id: chk.id,
    });
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "40",
      date: "2026-01-03",
      account_id: chk.id,
      bucket_id: g.id,
    });
    const before = (await call("GET", "/budget/snapshot?month=2026-01")).body;
    const t = await call("POST", "/budget/transfers", {
      from_account_id: chk.id,
      to_account_id: sav.id,
      amount: "300.25",
      date: "2026-01-10",
      memo: "rainy day",
    });
    expect(t.status).toBe(201);
    expect(conforms(TransferResponse, t.body)).toMatchObject({ amount_minor: 30025, voided: false });
    expect(t.body.legs.map((l: { kind: string }) => l.kind)).toEqual(["transfer_out", "transfer_in"]);
    const after = (await call("GET", "/budget/snapshot?month=2026-01")).body;
    expect(after.ledger).toEqual(before.ledger);
    expect(after.buckets).toEqual(before.buckets);
    expect(after.totals).toEqual(before.totals);
    expect((await call("GET", `/budget/accounts/${chk.id}`)).body.balance_minor).toBe(
      100000 + 90000 - 4000 - 30025,
    );
    expect((await call("GET", `/budget/accounts/${sav.id}`)).body.balance_minor).toBe(5000 + 30025);
    // The month's rebuilt totals agree: transfers are not folded in.
    expect((await call("POST", "/budget/months/2026-01/totals/rebuild")).body.changed).toBe(false);

    const leg = await call("POST", `/budget/transactions/${t.body.legs[0].id}/void`);
    expect(leg.status).toBe(409);
    expect(leg.body.type).toMatch(/transfer-leg$/);
    const voided = await call("POST", `/budget/transfers/${t.body.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.voided).toBe(true);
    expect((await call("GET", `/budget/accounts/${sav.id}`)).body.balance_minor).toBe(5000);
    expect((await call("GET", `/budget/accounts/${chk.id}`)).body.balance_minor).toBe(186000);
    expect((await call("POST", `/budget/transfers/${t.body.id}/void`)).status).toBe(409);
    expect((await call("GET", `/budget/transfers/${t.body.id}`)).body.voided).toBe(true);
    const same = await call("POST", "/budget/transfers", {
      from_account_id: chk.id,
      to_account_id: chk.id,
      amount: "1",
      date: "2026-01-10",
    });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].field).toBe("to_account_id");
  });

  it("should keep balances equal to a recomputation under concurrent posts, transfers and voids", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-acct-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const storage of ["memory:", `sqlite:${join(dir, "a.db")}`]) {
      const { call, account, recomputed } = await setup(storage);
      const a = await account();
      const b = await account({ name: "Savings", type: "savings" });
      const results = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) =>
          call("POST", "/budget/transactions", {
            kind: "income",
            amount: `${i + 1}.01`,
            date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
            account_id: i % 2 ? a.id : b.id,
          }),
        ),
        ...Array.from({ length: 20 }, (_, i) =>
          call("POST", "/budget/transfers", {
            from_account_id: i % 2 ? a.id : b.id,
            to_account_id: i % 2 ? b.id : a.id,
            amount: `${i + 3}.50`,
            date: `2026-0${(i % 2) + 1}-0${(i % 9) + 1}`,
          }),
        ),
      ]);
      expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
      const trs = results.slice(30, 35).map((r) => r.body.id);
      await Promise.all(trs.map((id) => call("POST", `/budget/transfers/${id}/void`)));
      for (const acct of [a, b]) {
        const shown = (await call("GET", `/budget/accounts/${acct.id}`)).body.balance_minor;
        expect(shown).toBe(await recomputed(acct.id));
        expect((await call("POST", `/budget/accounts/${acct.id}/balance/rebuild`)).body.changed).toBe(false);
      }
      const total =
        (await call("GET", `/budget/accounts/${a.id}`)).body.balance_minor +
        (await call("GET", `/budget/accounts/${b.id}`)).body.balance_minor;
      const incomes = Array.from({ length: 30 }, (_, i) => (i + 1) * 100 + 1).reduce((s, x) => s + x, 0);
      expect(total).toBe(200000 + incomes);
    }
  });
});
