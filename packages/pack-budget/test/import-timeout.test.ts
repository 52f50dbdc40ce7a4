import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, silentLogger } from "@valhalla/host";
import { type Driver, sqlite } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { budget } from "../src/index.js";
import { jsonCaller } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const now = new Date("2026-12-20T12:00:00Z");
const open = (storage: string | Driver, timeoutMs: number) =>
  createHost({
    packs: [budget],
    storage,
    log: silentLogger,
    auth: { disabled: true },
    timezone: "UTC",
    now: () => now,
    timeoutMs,
  });
const call = (host: Awaited<ReturnType<typeof open>>, method: string, path: string, body?: unknown) =>
  jsonCaller(host)(method, path, body);

/**
 * SQLite whose `held`-th batch of ledger entries waits until the test releases it: the request is
 * certain to time out while that month is being written, whatever the machine's speed.
 */
function holdingBatch(path: string, held: number) {
  const inner = sqlite({ path });
  let batches = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const driver: Driver = {
    ...inner,
    writeMany: async (ns, reqs) => {
      if (ns === "budget.transactions" && ++batches === held) await released;
      return inner.writeMany!(ns, reqs);
    },
  };
  return { driver, release };
}

describe("budget import past the request timeout", () => {
  it("should stop at an entry boundary with consistent totals, and a re-send should write only the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-to-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "t.db");
    const storage = `sqlite:${path}`;
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

    // One batch per month (100 entries each): hold March's until the request has timed out.
    const held = holdingBatch(path, 3);
    const hurried = await open(held.driver, 150);
    const acct = (
      await call(hurried, "POST", "/budget/accounts", {
        name: "A",
        type: "checking",
        opening_date: "2026-01-01",
      })
    ).body;
    const cut = await call(hurried, "POST", `/budget/accounts/${acct.id}/import`, body);
    expect(cut.status).toBe(504);
    // The held batch keeps the handler from finishing, so the 504 is certain. Where the timeout
    // caught it depends on the machine: in January or February (that month's batch sees the aborted
    // request and stops), or held in March (which had passed its abort check and commits on release;
    // April then stops). close() waits for the handler to get there.
    held.release();
    await hurried.close();

    const host = await open(storage, 60_000);
    cleanups.push(() => host.close());
    const landed = (await call(host, "GET", `/budget/accounts/${acct.id}`)).body.entries;
    // Whole months only: the import stops at a batch boundary, never inside one.
    expect([0, 100, 200, 300]).toContain(landed);
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
