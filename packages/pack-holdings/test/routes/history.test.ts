import type { Host } from "@valhalla/host";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { periodEnds } from "../../src/history.js";
import { NetWorthHistory } from "../../src/schemas.js";
import { call, holdingsHost } from "../helpers.js";

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function setup() {
  const now = new Date("2026-07-15T12:00:00Z");
  const host = await holdingsHost({
    timezone: "UTC",
    now: () => now,
    config: { holdings: { base_currency: "USD" } },
  });
  hosts.push(host);
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await call(host, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return { host, ok };
}

describe("GET /holdings/history", () => {
  it("should give net worth at each month end from valuation, liability and dated FX history", async () => {
    const { host, ok } = await setup();
    const house = await ok("POST", "/holdings", { type: "property", label: "Duplex", currency: "USD" });
    await ok("POST", `/holdings/${house.id}/valuations`, {
      amount: "300000.00",
      currency: "USD",
      as_of: "2026-01-10",
      source: "appraisal",
    });
    await ok("POST", `/holdings/${house.id}/valuations`, {
      amount: "320000.00",
      currency: "USD",
      as_of: "2026-04-02",
      source: "comps",
    });
    const loan = await ok("POST", `/holdings/${house.id}/liabilities`, {
      kind: "mortgage",
      lender: "Bank",
      balance: "200000.00",
      currency: "USD",
      as_of: "2026-01-10",
    });
    await ok("POST", `/holdings/${house.id}/liabilities/${loan.id}/balances`, {
      balance: "199000.00",
      as_of: "2026-02-10",
    });
    await ok("POST", `/holdings/${house.id}/liabilities/${loan.id}/balances`, {
      balance: "198000.00",
      as_of: "2026-03-10",
    });
    // A correction of February, recorded later, changes history but not the current balance.
    await ok("POST", `/holdings/${house.id}/liabilities/${loan.id}/balances`, {
      balance: "199100.00",
      as_of: "2026-02-10",
    });
    const flat = await ok("POST", "/holdings", { type: "property", label: "Berlin flat", currency: "EUR" });
    await ok("POST", `/holdings/${flat.id}/valuations`, {
      amount: "100000.00",
      currency: "EUR",
      as_of: "2026-02-20",
      source: "broker",
    });
    await ok("PUT", "/holdings/fx_rates/EUR/2026-02-01", { rate: "1.10" });
    await ok("PUT", "/holdings/fx_rates/EUR/2026-03-15", { rate: "1.20" });

    const h = v.parse(NetWorthHistory, await ok("GET", "/holdings/history?from=2026-01-01&to=2026-04-15"));
    expect(h).toMatchObject({
      base_currency: "USD",
      interval: "month",
      from: "2026-01-01",
      to: "2026-04-15",
    });
    expect(
      h.points.map((p) => [
        p.date,
        p.holdings,
        p.value_minor,
        p.liabilities_minor,
        p.net_worth_minor,
        p.rates,
      ]),
    ).toEqual([
      ["2026-01-31", 1, 30000000, 20000000, 10000000, {}],
      ["2026-02-28", 2, 30000000 + 11000000, 19910000, 41000000 - 19910000, { EUR: "1.10" }],
      ["2026-03-31", 2, 30000000 + 12000000, 19800000, 42000000 - 19800000, { EUR: "1.20" }],
      ["2026-04-15", 2, 32000000 + 12000000, 19800000, 44000000 - 19800000, { EUR: "1.20" }],
    ]);
    // The liability and its holding follow the latest balance.
    expect((await ok("GET", `/holdings/${house.id}/liabilities`)).items[0]).toMatchObject({
      balance_minor: 19800000,
      as_of: "2026-03-10",
    });
    expect((await ok("GET", `/holdings/${house.id}`)).liabilities).toEqual({ USD: 19800000 });
    expect((await ok("GET", `/holdings/${house.id}/liabilities/${loan.id}/balances`)).items).toHaveLength(3);

    // Quarters, and the CSV download.
    const q = await ok("GET", "/holdings/history?from=2026-01-01&to=2026-06-30&interval=quarter");
    expect(q.points.map((p: { date: string }) => p.date)).toEqual(["2026-03-31", "2026-06-30"]);
    const csv = await host.fetch(
      new Request("http://localhost/holdings/history?from=2026-01-01&to=2026-02-28&format=csv"),
    );
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split("\n")).toEqual([
      "date,currency,holdings,value,liabilities,net_worth",
      "2026-01-31,USD,1,300000.00,200000.00,100000.00",
      "2026-02-28,USD,2,410000.00,199100.00,210900.00",
    ]);

    // An archived holding leaves the history from its archive day on.
    await ok("POST", `/holdings/${flat.id}/archive`);
    const after = await ok("GET", "/holdings/history?from=2026-06-01&to=2026-07-15");
    expect(after.points.map((p: { date: string; holdings: number }) => [p.date, p.holdings])).toEqual([
      ["2026-06-30", 2],
      ["2026-07-15", 1],
    ]);
  });

  it("should drop a sold holding from the day it was sold, across two currencies (hand-worked)", async () => {
    // The host's clock reads 2026-07-15: the flat is sold (archived) that day.
    const { ok } = await setup();
    const house = await ok("POST", "/holdings", { type: "property", label: "Duplex", currency: "USD" });
    await ok("POST", `/holdings/${house.id}/valuations`, {
      amount: "300000.00",
      currency: "USD",
      as_of: "2026-05-10",
      source: "appraisal",
    });
    await ok("POST", `/holdings/${house.id}/liabilities`, {
      kind: "mortgage",
      lender: "Bank",
      balance: "200000.00",
      currency: "USD",
      as_of: "2026-05-10",
    });
    const flat = await ok("POST", "/holdings", { type: "property", label: "Lisbon flat", currency: "EUR" });
    await ok("POST", `/holdings/${flat.id}/valuations`, {
      amount: "100000.00",
      currency: "EUR",
      as_of: "2026-05-20",
      source: "broker",
    });
    await ok("PUT", "/holdings/fx_rates/EUR/2026-05-01", { rate: "1.10" });
    await ok("PUT", "/holdings/fx_rates/EUR/2026-06-15", { rate: "1.20" });
    await ok("POST", `/holdings/${flat.id}/archive`);

    const h = v.parse(NetWorthHistory, await ok("GET", "/holdings/history?from=2026-05-01&to=2026-07-15"));
    // May: 300,000.00 USD + 100,000.00 EUR × 1.10 = 410,000.00; less 200,000.00 owed = 210,000.00.
    // June: the EUR rate of 06-15 (1.20) makes the flat 120,000.00 USD: 420,000.00 − 200,000.00.
    // 07-15: the flat was sold that day; only the duplex and its mortgage remain, and no EUR rate.
    expect(
      h.points.map((p) => [
        p.date,
        p.holdings,
        p.value_minor,
        p.liabilities_minor,
        p.net_worth_minor,
        p.rates,
      ]),
    ).toEqual([
      ["2026-05-31", 2, 41000000, 20000000, 21000000, { EUR: "1.10" }],
      ["2026-06-30", 2, 42000000, 20000000, 22000000, { EUR: "1.20" }],
      ["2026-07-15", 1, 30000000, 20000000, 10000000, {}],
    ]);
  });

  it("should name a missing rate with its pair and day, and refuse bad queries naming the field", async () => {
    const { host, ok } = await setup();
    const flat = await ok("POST", "/holdings", { type: "property", label: "Flat", currency: "EUR" });
    await ok("POST", `/holdings/${flat.id}/valuations`, {
      amount: "100000.00",
      currency: "EUR",
      as_of: "2026-02-20",
      source: "broker",
    });
    const missing = await call(host, "GET", "/holdings/history?from=2026-01-01&to=2026-03-31");
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ pair: "EUR/USD", date: "2026-02-28" });
    // The request's rate stands in where no dated one exists.
    const given = await ok("GET", "/holdings/history?from=2026-02-01&to=2026-02-28&fx=EUR:1.05");
    expect(given.points[0]).toMatchObject({ value_minor: 10500000, rates: { EUR: "1.05" } });

    for (const [query, field] of [
      ["from=2026-05-01&to=2026-04-01", "from"],
      ["interval=week", "interval"],
      ["from=2026-13-01", "from"],
      ["from=1900-01-01&to=2026-01-01", "to"],
    ] as const) {
      const res = await call(host, "GET", `/holdings/history?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      expect(res.body.errors[0].field, query).toBe(field);
    }
    const zero = await call(host, "PUT", "/holdings/fx_rates/EUR/2026-02-01", { rate: "0" });
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].field).toBe("rate");
  });

  it("should step month, quarter and year ends up to the last day", () => {
    expect(periodEnds("2026-01-15", "2026-03-10", "month")).toEqual([
      "2026-01-31",
      "2026-02-28",
      "2026-03-10",
    ]);
    expect(periodEnds("2024-02-01", "2024-02-29", "month")).toEqual(["2024-02-29"]);
    expect(periodEnds("2025-05-01", "2026-02-01", "quarter")).toEqual([
      "2025-06-30",
      "2025-09-30",
      "2025-12-31",
      "2026-02-01",
    ]);
    expect(periodEnds("2024-03-01", "2026-12-31", "year")).toEqual([
      "2024-12-31",
      "2025-12-31",
      "2026-12-31",
    ]);
  });
});

describe("the holdings brief section", () => {
  it("should state net equity as formatted money", async () => {
    const { ok } = await setup();
    const house = await ok("POST", "/holdings", { type: "property", label: "Duplex", currency: "USD" });
    await ok("POST", `/holdings/${house.id}/valuations`, {
      amount: "1250000.00",
      currency: "USD",
      as_of: "2026-07-01",
      source: "appraisal",
    });
    const section = (await ok("GET", "/brief")).sections.find((s: { pack: string }) => s.pack === "holdings");
    expect(section.items).toContainEqual({ label: "Net equity: 1,250,000.00 USD", value: 125000000 });
  });
});
