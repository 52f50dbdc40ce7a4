import { memory } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { call, holdingsHost } from "../helpers.js";

describe("holdings summary cache", () => {
  it("should answer repeated summaries without re-reading holdings, and reflect every write", async () => {
    const driver = memory();
    let listCalls = 0;
    const counting = {
      ...driver,
      list: (...args: Parameters<typeof driver.list>) => (listCalls++, driver.list(...args)),
    };
    const host = await holdingsHost({ storage: counting });
    const { body: a } = await call(host, "POST", "/holdings", { type: "cash", label: "A", currency: "USD" });
    await call(host, "POST", `/holdings/${a.id}/valuations`, {
      amount: "10",
      currency: "USD",
      as_of: "2026-01-01",
      source: "x",
    });

    expect((await call(host, "GET", "/holdings/summary")).body.totals.value_minor).toBe(1000);
    const afterFirst = listCalls;
    expect((await call(host, "GET", "/holdings/summary")).body.totals.value_minor).toBe(1000);
    expect(listCalls).toBe(afterFirst);

    await call(host, "POST", `/holdings/${a.id}/liabilities`, {
      kind: "loan",
      lender: "L",
      balance: "4",
      currency: "USD",
      as_of: "2026-01-01",
    });
    expect((await call(host, "GET", "/holdings/summary")).body.totals).toMatchObject({
      liabilities_minor: 400,
      equity_minor: 600,
    });
    await call(host, "PATCH", `/holdings/${a.id}`, { type: "vault" });
    expect(Object.keys((await call(host, "GET", "/holdings/summary")).body.by_type)).toEqual(["vault"]);
    await call(host, "POST", `/holdings/${a.id}/archive`);
    expect((await call(host, "GET", "/holdings/summary")).body.totals.count).toBe(0);
  });
});
