import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, holdingsHost } from "../helpers.js";

const elm = {
  type: "property",
  label: "12 Elm St",
  currency: "USD",
  jurisdiction: "TX",
  entity_id: "llc-1",
  entity_name: "Elm LLC",
};

describe("holdings routes", () => {
  let host: Host;
  beforeEach(async () => {
    host = await holdingsHost({ now: () => new Date("2026-06-15T12:00:00Z"), timezone: "America/Chicago" });
  });

  it("should create a holding with defaults, an ETag and a Location", async () => {
    const res = await call(host, "POST", "/holdings", elm);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...elm,
      active: true,
      valuation: null,
      liabilities: {},
      rev: 1,
      notes: null,
    });
    expect(res.body.id).toMatch(/^asset_/);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/holdings/${res.body.id}`);
  });

  it.each([
    [{ ...elm, type: "boat" }, "type"],
    [{ ...elm, currency: "XXY" }, "currency"],
    [{ ...elm, label: "   " }, "label"],
    [{ ...elm, label: "a\u0000b" }, "label"],
    [{ ...elm, surprise: 1 }, "surprise"],
    [{ type: "cash" }, "label"],
  ])("should reject %j naming %s", async (body, field) => {
    const res = await call(host, "POST", "/holdings", body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("https://valhalla.dev/problems/validation-failed");
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("should list with filters and cursor pagination", async () => {
    for (let i = 0; i < 5; i++)
      await call(host, "POST", "/holdings", { ...elm, label: `p${i}`, jurisdiction: i < 3 ? "TX" : "FL" });
    await call(host, "POST", "/holdings", { type: "cash", label: "Checking", currency: "EUR" });
    const tx = await call(host, "GET", "/holdings?jurisdiction=TX&limit=2");
    expect(tx.status).toBe(200);
    expect(tx.body.items.map((a: { label: string }) => a.label)).toEqual(["p2", "p1"]);
    const next = await call(host, "GET", `/holdings?jurisdiction=TX&limit=2&cursor=${tx.body.next_cursor}`);
    expect(next.body.items.map((a: { label: string }) => a.label)).toEqual(["p0"]);
    expect(next.body.next_cursor).toBeNull();
    expect((await call(host, "GET", "/holdings?type=cash")).body.items).toHaveLength(1);
    expect((await call(host, "GET", "/holdings?currency=EUR&active=true")).body.items).toHaveLength(1);
    expect((await call(host, "GET", "/holdings?active=maybe")).status).toBe(400);
    expect((await call(host, "GET", "/holdings?limit=0")).body.errors[0].field).toBe("limit");
    expect((await call(host, "GET", "/holdings?cursor=!!")).status).toBe(400);
  });

  it("should patch with If-Match and answer 412 to a stale ETag", async () => {
    const { body: a } = await call(host, "POST", "/holdings", elm);
    const ok = await call(host, "PATCH", `/holdings/${a.id}`, { notes: "roof 2019" }, { "if-match": '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ notes: "roof 2019", rev: 2 });
    expect(ok.headers.get("etag")).toBe('"2"');
    const stale = await call(host, "PATCH", `/holdings/${a.id}`, { notes: "lost" }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      type: "https://valhalla.dev/problems/stale-revision",
      current_rev: 2,
    });
    expect((await call(host, "GET", `/holdings/${a.id}`)).body.notes).toBe("roof 2019");
    expect((await call(host, "PATCH", `/holdings/${a.id}`, {})).status).toBe(400);
    expect(
      (await call(host, "PATCH", `/holdings/${a.id}`, { notes: "x" }, { "if-match": "abc" })).status,
    ).toBe(400);
  });

  it("should answer 404 for unknown and malformed ids", async () => {
    for (const id of ["asset_01AAAAAAAAAAAAAAAAAAAAAAAA", "..%2Fetc", "a%3Fb"]) {
      const res = await call(host, "GET", `/holdings/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(
      (
        await call(host, "POST", "/holdings/asset_01AAAAAAAAAAAAAAAAAAAAAAAA/valuations", {
          amount: "1",
          currency: "USD",
          as_of: "2026-01-01",
          source: "x",
        })
      ).status,
    ).toBe(404);
  });

  it("should keep valuation history and make the latest by as_of current", async () => {
    const { body: a } = await call(host, "POST", "/holdings", elm);
    const v1 = await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "250000.00",
      currency: "USD",
      as_of: "2026-05-01",
      source: "BPO",
      confidence: "high",
    });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ amount_minor: 25000000, currency: "USD" });
    await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "200000",
      currency: "USD",
      as_of: "2025-01-01",
      source: "old appraisal",
    });
    const got = await call(host, "GET", `/holdings/${a.id}`);
    expect(got.body.valuation).toMatchObject({ amount_minor: 25000000, as_of: "2026-05-01", source: "BPO" });
    const hist = await call(host, "GET", `/holdings/${a.id}/valuations?limit=10`);
    expect(hist.body.items).toHaveLength(2);
  });

  it.each([
    [{ amount: 250000.5, currency: "USD", as_of: "2026-01-01", source: "x" }, "amount"],
    [{ amount: "1.005", currency: "USD", as_of: "2026-01-01", source: "x" }, null],
    [{ amount: "1", currency: "USD", as_of: "2026-02-30", source: "x" }, "as_of"],
    [{ amount: "1", currency: "USD", as_of: "2026-01-01", source: "x", confidence: "certain" }, "confidence"],
  ])("should reject valuation %j", async (body, field) => {
    const { body: a } = await call(host, "POST", "/holdings", elm);
    const res = await call(host, "POST", `/holdings/${a.id}/valuations`, body);
    expect(res.status).toBe(400);
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    else expect(res.body.type).toBe("https://valhalla.dev/problems/invalid-money");
  });

  it("should compute net equity from valuation and liabilities", async () => {
    const { body: a } = await call(host, "POST", "/holdings", elm);
    await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "300000",
      currency: "USD",
      as_of: "2026-06-01",
      source: "BPO",
    });
    const l = await call(host, "POST", `/holdings/${a.id}/liabilities`, {
      kind: "mortgage",
      lender: "Bank",
      balance: "120000.50",
      currency: "USD",
      as_of: "2026-06-01",
    });
    expect(l.status).toBe(201);
    const got = await call(host, "GET", `/holdings/${a.id}`);
    expect(got.body.equity).toEqual({
      value_minor: 30000000,
      liabilities_minor: 12000050,
      equity_minor: 17999950,
      currency: "USD",
    });
    expect(got.body.stale).toBe(false);
  });

  it("should archive a holding and leave it out of the summary", async () => {
    const { body: a } = await call(host, "POST", "/holdings", elm);
    await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "100",
      currency: "USD",
      as_of: "2026-06-01",
      source: "x",
    });
    const arch = await call(host, "POST", `/holdings/${a.id}/archive`);
    expect(arch.body).toMatchObject({ active: false, archived_at: "2026-06-15T12:00:00.000Z" });
    expect((await call(host, "GET", "/holdings/summary")).body.totals.count).toBe(0);
  });
});

describe("holdings summary", () => {
  it("should group by type, jurisdiction, entity and currency in the base currency", async () => {
    const host = await holdingsHost({
      now: () => new Date("2026-06-15T12:00:00Z"),
      config: { holdings: { base_currency: "USD", fx_rates: { EUR: "1.10" }, stale_after_days: 90 } },
    });
    const { body: house } = await call(host, "POST", "/holdings", elm);
    await call(host, "POST", `/holdings/${house.id}/valuations`, {
      amount: "300000",
      currency: "USD",
      as_of: "2026-06-01",
      source: "BPO",
    });
    await call(host, "POST", `/holdings/${house.id}/liabilities`, {
      kind: "mortgage",
      lender: "Bank",
      balance: "100000",
      currency: "USD",
      as_of: "2026-06-01",
    });
    const { body: eur } = await call(host, "POST", "/holdings", {
      type: "cash",
      label: "Euro account",
      currency: "EUR",
      jurisdiction: "DE",
    });
    await call(host, "POST", `/holdings/${eur.id}/valuations`, {
      amount: "1000.00",
      currency: "EUR",
      as_of: "2026-01-01",
      source: "statement",
    });
    await call(host, "POST", "/holdings", { type: "vault", label: "Gold", currency: "USD" });

    const res = await call(host, "GET", "/holdings/summary");
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({
      count: 3,
      value_minor: 30110000,
      liabilities_minor: 10000000,
      equity_minor: 20110000,
    });
    expect(res.body.by_type.cash).toEqual({
      count: 1,
      value_minor: 110000,
      liabilities_minor: 0,
      equity_minor: 110000,
    });
    expect(res.body.by_jurisdiction.TX.equity_minor).toBe(20000000);
    expect(res.body.by_entity["llc-1"].count).toBe(1);
    expect(res.body.by_currency.EUR.value_minor).toBe(110000);
    // Never valued first, then the oldest valuation.
    expect(res.body.stale.map((s: { label: string }) => s.label)).toEqual(["Gold", "Euro account"]);
    expect(res.body.stale_total).toBe(2);
    expect(res.body.stale.find((s: { label: string }) => s.label === "Euro account").age_days).toBe(165);

    const override = await call(host, "GET", "/holdings/summary?fx=EUR:1.20");
    expect(override.body.by_currency.EUR.value_minor).toBe(120000);
  });

  it("should list at most 100 stale holdings, the stalest first, and count them all (#16)", async () => {
    const host = await holdingsHost({ now: () => new Date("2026-06-15T12:00:00Z") });
    const { body: old } = await call(host, "POST", "/holdings", {
      type: "vault",
      label: "Old",
      currency: "USD",
    });
    await call(host, "POST", `/holdings/${old.id}/valuations`, {
      amount: "10",
      currency: "USD",
      as_of: "2020-01-01",
      source: "statement",
    });
    const never: string[] = [];
    for (let i = 0; i < 102; i++) {
      const { body } = await call(host, "POST", "/holdings", {
        type: "vault",
        label: `Never ${i}`,
        currency: "USD",
      });
      never.push(body.id);
    }

    const res = await call(host, "GET", "/holdings/summary");
    expect(res.status).toBe(200);
    expect(res.body.stale_total).toBe(103);
    expect(res.body.stale).toHaveLength(100);
    expect(res.body.stale.map((s: { id: string }) => s.id)).toEqual([...never].sort().slice(0, 100));
    expect(res.body.totals.count).toBe(103);
  });

  it("should answer 422 naming the currency pair when a rate is missing", async () => {
    const host = await holdingsHost();
    const { body: a } = await call(host, "POST", "/holdings", {
      type: "cash",
      label: "GBP",
      currency: "GBP",
    });
    await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "10",
      currency: "GBP",
      as_of: "2026-01-01",
      source: "x",
    });
    const res = await call(host, "GET", "/holdings/summary");
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      type: "https://valhalla.dev/problems/fx-rate-missing",
      pair: "GBP/USD",
    });
    expect(res.body.detail).toContain("GBP→USD");
    expect((await call(host, "GET", "/holdings/summary?fx=GBP:abc")).status).toBe(400);
  });

  it("should show a holding without equity, naming the missing rate, until one is given", async () => {
    const host = await holdingsHost();
    const { body: a } = await call(host, "POST", "/holdings", {
      type: "cash",
      label: "Pounds",
      currency: "GBP",
    });
    await call(host, "POST", `/holdings/${a.id}/liabilities`, {
      kind: "mortgage",
      lender: "Bank",
      balance: "2",
      currency: "GBP",
      as_of: "2026-01-01",
    });
    const res = await call(host, "GET", `/holdings/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.body.equity).toBeNull();
    expect(res.body.equity_error).toContain("GBP→USD");
    const priced = await call(host, "GET", `/holdings/${a.id}?fx=GBP:1.25`);
    expect(priced.body.equity).toEqual({
      value_minor: 0,
      liabilities_minor: 250,
      equity_minor: -250,
      currency: "USD",
    });
    expect(priced.body.equity_error).toBeNull();
  });

  it("should refuse to start with an invalid config", async () => {
    await expect(holdingsHost({ config: { holdings: { base_currency: "XXY" } } })).rejects.toThrowError(
      /E_CONFIG_INVALID/,
    );
  });
});

describe("holdings persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "holdings-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("should keep data across a restart on the embedded store", async () => {
    const storage = `sqlite:${join(dir, "v.db")}`;
    const first = await holdingsHost({ storage });
    const { body: a } = await call(first, "POST", "/holdings", elm);
    await first.close();
    const second = await holdingsHost({ storage });
    const got = await call(second, "GET", `/holdings/${a.id}`);
    expect(got.status).toBe(200);
    expect(got.body.label).toBe("12 Elm St");
    await second.close();
  });
});
