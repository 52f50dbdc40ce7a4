import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("the budget's brief section", () => {
  it("should tell people amounts as formatted money, with minor units only in `value`", async () => {
    const h = await budgetHost({ now: "2026-01-20T12:00:00Z", withBills: false });
    cleanups.push(() => h.host.close());
    const { call } = h;
    const fun = (
      await call("POST", "/budget/buckets", {
        name: "Fun",
        type: "essentials",
        priority: "A",
        monthly_limit: "1200",
        start_month: "2026-01",
      })
    ).body;
    await call("POST", "/budget/transactions", {
      kind: "expense",
      amount: "1234.56",
      date: "2026-01-05",
      bucket_id: fun.id,
    });
    const section = (await call("GET", "/brief")).body.sections.find(
      (s: { pack: string }) => s.pack === "budget",
    );
    const labels = section.items.map((i: { label: string }) => i.label);
    expect(labels).toContain("Available this month: -34.56 USD");
    expect(labels).toContain("Fun overspent by 34.56 USD");
    expect(section.items.find((i: { label: string }) => i.label.startsWith("Available")).value).toBe(-3456);
    for (const l of labels) expect(l).not.toMatch(/minor/);
  });
});
