import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, silentLogger } from "@valhalla/host";
import { afterEach, describe, expect, it } from "vitest";
import { budget } from "../src/index.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const now = new Date("2026-12-20T12:00:00Z");
const open = (storage: string, timeoutMs: number) =>
  createHost({
    packs: [budget],
    storage,
    log: silentLogger,
    auth: { disabled: true },
    timezone: "UTC",
    now: () => now,
    timeoutMs,
  });
const call = async (host: Awaited<ReturnType<typeof open>>, method: string, path: string, body?: unknown) => {
  const res = await host.fetch(
    new Request(`http://x${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

describe("budget import past the request timeout", () => {
  it("should stop at an entry boundary with consistent totals, and a re-send should write only the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-to-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const storage = `sqlite:${join(dir, "t.db")}`;
    const rows = ["Date,Payee,Amount"];
    for (let i = 0; i < 1200; i++)
      rows.push(
        `2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},P${i},-${i + 1}.00`,
      );
    const expected = -Array.from({ length: 1200 }, (_, i) => (i + 1) * 100).reduce((s, x) => s + x, 0);
    const body = {
      format: "csv",
      content: rows.join("\n"),
      mapping: { date: "Date", payee: "Payee", amount: "Amount" },
    };

    const hurried = await open(storage, 150);
    const acct = (
      await call(hurried, "POST", "/budget/accounts", {
        name: "A",
        type: "checking",
        opening_date: "2026-01-01",
      })
    ).body;
    const cut = await call(hurried, "POST", `/budget/accounts/${acct.id}/import`, body);
    expect(cut.status).toBe(504);
    // The handler keeps running until its next write sees the aborted request; close() waits for it.
    await hurried.close();

    const host = await open(storage, 60_000);
    cleanups.push(() => host.close());
    const landed = (await call(host, "GET", `/budget/accounts/${acct.id}`)).body.entries;
    expect(landed).toBeLessThan(1200);
    console.info(`[budget] import cut by a 150 ms timeout after ${landed} of 1200 entries`);
    const rebuilt = await call(host, "POST", `/budget/accounts/${acct.id}/balance/rebuild`);
    expect(rebuilt.body.changed).toBe(false);
    const again = await call(host, "POST", `/budget/accounts/${acct.id}/import`, body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 1200 - landed, duplicates: landed });
    expect((await call(host, "GET", `/budget/accounts/${acct.id}`)).body).toMatchObject({
      entries: 1200,
      balance_minor: expected,
    });
    const report = (await call(host, "GET", "/budget/reports/spending?from=2026-01&to=2026-12")).body;
    expect(report.totals.expense_minor).toBe(-expected);
    for (const m of report.months)
      expect((await call(host, "POST", `/budget/months/${m.month}/totals/rebuild`)).body.changed).toBe(false);
  });
});
