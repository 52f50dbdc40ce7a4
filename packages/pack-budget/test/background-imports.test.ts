import { createHost, silentLogger } from "@valhalla/host";
import { type Driver, memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { IMPORT_LEASE_MS, importsIdle } from "../src/import/background-import.js";
import { PART_LINES } from "../src/import/run-import.js";
import { budget } from "../src/index.js";
import { ImportRecordPageResponse, ImportRecordResponse } from "../src/response-schemas.js";
import { conforms, jsonCaller } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const mapping = { date: "Date", payee: "Payee", amount: "Amount" };

/** A CSV of `n` March expenses; `bad` (a file line number) gets an amount no bank writes. */
function csv(n: number, bad?: number) {
  const rows = ["Date,Payee,Amount"];
  for (let i = 0; i < n; i++)
    rows.push(
      i + 2 === bad
        ? "2026-03-05,Broken,12.3.4"
        : `2026-03-${String((i % 28) + 1).padStart(2, "0")},Shop ${i},-${(i % 90) + 1}.25`,
    );
  return rows.join("\n");
}

/**
 * Memory storage whose ledger batches can be stopped: `hold(k)` makes the k-th batch of ledger
 * entries from now wait until `release()` (or fail with `fail(err)`), and `reached` resolves when
 * it starts waiting — a point in the import the test can look at, whatever the machine's speed.
 */
function steppedMemory() {
  const inner = memory();
  let batches = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let gate: { reached: () => void; go: () => void; fail: (err: Error) => void } | undefined;
  const driver: Driver = {
    ...inner,
    writeMany: async (ns, reqs) => {
      if (ns === "budget.transactions" && ++batches === stopAt && gate) {
        const g = gate;
        await new Promise<void>((go, fail) => {
          g.go = go;
          g.fail = fail;
          g.reached();
        });
      }
      return inner.writeMany!(ns, reqs);
    },
  };
  return {
    driver,
    hold(k: number) {
      stopAt = batches + k;
      let reached!: () => void;
      const at = new Promise<void>((r) => {
        reached = r;
      });
      gate = { reached, go: () => {}, fail: () => {} };
      const g = gate;
      return { reached: at, release: () => g.go(), fail: (err: Error) => g.fail(err) };
    },
  };
}

async function setup() {
  const clock = { now: new Date("2026-04-02T09:00:00Z") };
  const storage = steppedMemory();
  const host = await createHost({
    packs: [budget],
    storage: storage.driver,
    log: silentLogger,
    auth: { disabled: true },
    timezone: "UTC",
    now: () => clock.now,
  });
  cleanups.push(async () => {
    await importsIdle();
    await host.close();
  });
  const call = jsonCaller(host);
  const account = (
    await call("POST", "/budget/accounts", { name: "Checking", type: "checking", opening_date: "2026-01-01" })
  ).body;
  const entries = async () => (await call("GET", `/budget/accounts/${account.id}`)).body.entries as number;
  const importOf = async (id: string) => {
    const res = await call("GET", `/budget/imports/${id}`);
    expect(res.status).toBe(200);
    return conforms(ImportRecordResponse, res.body);
  };
  return { host, call, clock, storage, account, entries, importOf };
}

describe("budget asynchronous imports", () => {
  it("should answer 202 with a Location, report progress part by part, and end done with each line once", async () => {
    const { call, storage, account, entries, importOf } = await setup();
    const n = 2 * PART_LINES + 500;
    // One month, so each part is one month's batch of 500-entry chunks: part 2 starts at chunk 5.
    const held = storage.hold(PART_LINES / 500 + 1);
    const res = await call("POST", `/budget/accounts/${account.id}/imports`, {
      format: "csv",
      content: csv(n),
      mapping,
    });
    expect(res.status).toBe(202);
    const queued = conforms(ImportRecordResponse, res.body);
    expect(queued).toMatchObject({
      account_id: account.id,
      status: "queued",
      rows_done: 0,
      rows_total: null,
    });
    expect(queued.actor).toMatch(/./);
    expect(res.headers.get("location")).toBe(`/budget/imports/${queued.id}`);

    await held.reached;
    // Part 1 is written and counted; part 2 is being written.
    expect(await importOf(queued.id)).toMatchObject({
      status: "running",
      phase: "write",
      rows_done: PART_LINES,
      rows_total: n,
      attempts: 1,
      result: null,
    });
    held.release();
    await importsIdle();

    const done = await importOf(queued.id);
    expect(done).toMatchObject({ status: "done", phase: null, rows_done: n, rows_total: n, problem: null });
    expect(done.result).toMatchObject({ rows: n, created: n, duplicates: 0, inbox: n, months: ["2026-03"] });
    expect(done.result?.preview).toHaveLength(20);
    expect(await entries()).toBe(n);
    // The mapping was saved: a second import of the same file needs none and writes nothing.
    const again = await call("POST", `/budget/accounts/${account.id}/imports`, {
      format: "csv",
      content: csv(n),
    });
    expect(again.status).toBe(202);
    await importsIdle();
    expect((await importOf(again.body.id)).result).toMatchObject({ created: 0, duplicates: n });
    expect(await entries()).toBe(n);
    const list = conforms(
      ImportRecordPageResponse,
      (await call("GET", `/budget/imports?account_id=${account.id}&status=done`)).body,
    );
    expect(list.items.map((i) => i.id)).toEqual([again.body.id, queued.id]);
  });

  it("should fail a broken file naming the line and field, leaving the ledger unchanged", async () => {
    const { call, account, entries, importOf } = await setup();
    // The bad line is in the last part: the first two would be fine, and are not written either.
    const bad = 2 * PART_LINES + 7;
    const res = await call("POST", `/budget/accounts/${account.id}/imports`, {
      format: "csv",
      content: csv(2 * PART_LINES + 10, bad),
      mapping,
    });
    expect(res.status).toBe(202);
    await importsIdle();
    const failed = await importOf(res.body.id);
    expect(failed).toMatchObject({ status: "failed", result: null });
    expect(failed.problem).toMatchObject({
      status: 400,
      type: expect.stringMatching(/import-invalid-line$/),
      line: bad,
      errors: [{ pointer: "/body/content", field: "amount", line: bad }],
    });
    expect(failed.problem?.detail).toContain(`Line ${bad}: 'amount'`);
    expect(await entries()).toBe(0);
    expect((await call("GET", `/budget/accounts/${account.id}`)).body.balance_minor).toBe(0);
  });

  it("should take over an import whose worker stopped once its lease runs out, writing each line once", async () => {
    const { host, call, clock, storage, account, entries, importOf } = await setup();
    const n = 2 * PART_LINES + 500;
    const held = storage.hold(PART_LINES / 500 + 1);
    const res = await call("POST", `/budget/accounts/${account.id}/imports`, {
      format: "csv",
      content: csv(n),
      mapping,
    });
    await held.reached;
    // The worker is stopped in part 2 (as when its process is shut down): part 1 stays written.
    held.fail(new DOMException("worker stopped", "AbortError"));
    await importsIdle();
    expect(await importOf(res.body.id)).toMatchObject({
      status: "running",
      rows_done: PART_LINES,
      attempts: 1,
    });
    expect(await entries()).toBe(PART_LINES);

    // While the lease holds, the job leaves the import alone.
    const run = async () => {
      expect((await call("POST", "/jobs/budget/imports/run")).status).toBe(202);
      await host.scheduler.idle();
    };
    await run();
    expect(await importOf(res.body.id)).toMatchObject({ status: "running", attempts: 1 });

    clock.now = new Date(clock.now.getTime() + IMPORT_LEASE_MS + 1000);
    await run();
    const done = await importOf(res.body.id);
    expect(done).toMatchObject({ status: "done", attempts: 2, rows_done: n });
    expect(done.resumed_by).toMatch(/imports/);
    // Lines the first worker wrote are found again, not doubled.
    expect(done.result).toMatchObject({ rows: n, created: n - PART_LINES, duplicates: PART_LINES });
    expect(await entries()).toBe(n);
  });

  it("should answer 404 for an unknown import or account, and 400 naming the field for bad input", async () => {
    const { call, account } = await setup();
    const missing = await call("GET", "/budget/imports/imp_01J0000000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect(
      (await call("POST", "/budget/accounts/acct_nope/imports", { format: "csv", content: "a", mapping }))
        .status,
    ).toBe(404);
    const cases: [string, string, unknown, string][] = [
      ["POST", `/budget/accounts/${account.id}/imports`, { format: "xls", content: "a" }, "format"],
      ["POST", `/budget/accounts/${account.id}/imports`, { format: "csv", content: "" }, "content"],
      ["POST", `/budget/accounts/${account.id}/imports`, { format: "csv", content: "a" }, "mapping"],
      [
        "POST",
        `/budget/accounts/${account.id}/imports`,
        { format: "csv", content: "a", mapping, preset: "signed-amount-mdy" },
        "preset",
      ],
      ["POST", `/budget/accounts/${account.id}/imports`, { format: "ofx", content: "a", mapping }, "mapping"],
      [
        "POST",
        `/budget/accounts/${account.id}/imports`,
        { format: "csv", content: "a\u0000b", mapping },
        "content",
      ],
      ["GET", "/budget/imports?status=lost", undefined, "status"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(JSON.stringify(res.body.errors), `${path} ${JSON.stringify(body)}`).toContain(
        `"field":"${field}"`,
      );
    }
    expect((await call("GET", "/budget/imports")).body.items).toEqual([]);
  });
});
