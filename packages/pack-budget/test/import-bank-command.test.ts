import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandIo } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { PART_LINES } from "../src/import/run-import.js";
import { budget } from "../src/index.js";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const command = budget.commands!.find((c) => c.name === "import-bank")!;
const mapping = JSON.stringify({ date: "Date", payee: "Payee", amount: "Amount" });

/** A CSV of `n` expenses spread over January–June 2026. */
function csvFile(dir: string, name: string, n: number, badLine?: number) {
  const rows = ["Date,Payee,Amount"];
  for (let i = 0; i < n; i++) {
    const month = String((i % 6) + 1).padStart(2, "0");
    const day = String((i % 28) + 1).padStart(2, "0");
    rows.push(
      i + 2 === badLine
        ? `2026-${month}-${day},Broken,12.3.4`
        : `2026-${month}-${day},Shop ${i},-${(i % 90) + 1}.25`,
    );
  }
  const path = join(dir, name);
  writeFileSync(path, rows.join("\n"));
  return path;
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "import-bank-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const h = await budgetHost({ now: "2026-07-10T12:00:00Z", withBills: false });
  cleanups.push(() => h.host.close());
  const account = (
    await h.call("POST", "/budget/accounts", {
      name: "Checking",
      type: "checking",
      opening_date: "2026-01-01",
    })
  ).body;
  const entries = async () => (await h.call("GET", `/budget/accounts/${account.id}`)).body.entries as number;
  const run = async (args: string[], options: Record<string, string | boolean | undefined>) => {
    const io = { out: [] as string[], err: [] as string[], progress: [] as string[] };
    const sink: CommandIo = {
      out: (l) => io.out.push(l),
      err: (l) => io.err.push(l),
      progress: (l) => io.progress.push(l),
      tty: false,
    };
    const ctx = h.host.registry.context("budget");
    const code = await command.run(
      { ...ctx, principal: { kind: "operator", id: "ops@test", command: "import-bank" } } as never,
      { args, options, io: sink },
    );
    return { code, ...io };
  };
  return { ...h, dir, account, entries, run };
}

describe("valhalla import-bank (the budget pack's CLI command)", () => {
  it("should import a file larger than one part with progress, and find every line again on a re-import", async () => {
    const { dir, account, entries, run, call } = await setup();
    const n = 2 * PART_LINES + 500;
    const file = csvFile(dir, "big.csv", n);
    const first = await run([file], { account: account.id, mapping });
    expect(first.code, first.err.join("\n")).toBe(0);
    expect(JSON.parse(first.out[0]!)).toMatchObject({ rows: n, created: n, duplicates: 0, inbox: n });
    expect(first.progress).toHaveLength(3);
    expect(first.progress.at(-1)).toMatch(
      /^4,500 \/ 4,500 rows \(100 %\) · [\d,]+ rows\/s · about 0 s left$/,
    );
    expect(await entries()).toBe(n);
    // The mapping was saved on the account: the second run needs none, and books nothing twice.
    const again = await run([file], { account: account.id });
    expect(JSON.parse(again.out[0]!)).toMatchObject({ created: 0, duplicates: n });
    expect(await entries()).toBe(n);
    // Entries name the operator who ran the command.
    const [one] = (await call("GET", `/budget/transactions?account_id=${account.id}&limit=1`)).body.items;
    expect(one.actor).toBe("valhalla import-bank (ops@test)");
  });

  it("should keep identical lines apart across parts, and find each of them again on a re-import", async () => {
    const { dir, account, entries, run } = await setup();
    // The same coffee, same day, same amount, in every part: only its occurrence number tells them apart.
    const n = 2 * PART_LINES + 3;
    const file = join(dir, "same.csv");
    writeFileSync(file, ["Date,Payee,Amount", ...Array(n).fill("2026-03-05,Coffee,-3.00")].join("\n"));
    const first = await run([file], { account: account.id, mapping });
    expect(JSON.parse(first.out[0]!)).toMatchObject({ rows: n, created: n, duplicates: 0 });
    // One more identical line at the end: only it is new.
    writeFileSync(file, ["Date,Payee,Amount", ...Array(n + 1).fill("2026-03-05,Coffee,-3.00")].join("\n"));
    const again = await run([file], { account: account.id });
    expect(JSON.parse(again.out[0]!)).toMatchObject({ rows: n + 1, created: 1, duplicates: n });
    expect(await entries()).toBe(n + 1);
  });

  it("should refuse the whole file when a line in its last part is bad, writing nothing", async () => {
    const { dir, account, entries, run, call } = await setup();
    const bad = csvFile(dir, "bad.csv", 2 * PART_LINES + 10, 2 * PART_LINES + 5);
    const res = await run([bad], { account: account.id, mapping });
    expect(res.code).toBe(1);
    expect(res.err.join("\n")).toMatch(/Line 4005: .amount. .12\.3\.4./);
    expect(await entries()).toBe(0);
    // A closed month in the last part refuses the file too: nothing of the earlier parts lands.
    const closing = await call("POST", "/budget/months/2026-06/close");
    expect(closing.status).toBe(201);
    // January–May, then ten June lines at the very end (in the third part).
    const rows = ["Date,Payee,Amount"];
    for (let i = 0; i < 2 * PART_LINES; i++) rows.push(`2026-0${(i % 5) + 1}-10,Shop ${i},-1.00`);
    for (let i = 0; i < 10; i++) rows.push(`2026-06-1${i},Late ${i},-2.00`);
    const good = join(dir, "good.csv");
    writeFileSync(good, rows.join("\n"));
    const closed = await run([good], { account: account.id, mapping });
    expect(closed.code).toBe(1);
    expect(closed.err.join("\n")).toMatch(/closed month 2026-06/);
    expect(await entries()).toBe(0);
  });

  it("should count without writing on --dry-run, and answer usage errors with exit 2", async () => {
    const { dir, account, entries, run } = await setup();
    const file = csvFile(dir, "dry.csv", 300);
    const dry = await run([file], { account: account.id, mapping, "dry-run": true });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out[0]!)).toMatchObject({ dry_run: true, created: 300 });
    expect(await entries()).toBe(0);
    for (const [args, options, said] of [
      [[], { account: account.id }, /name the file/],
      [[file], {}, /--account <id> is required/],
      [[join(dir, "x.txt")], { account: account.id }, /--format/],
      [[file], { account: account.id, mapping: "{" }, /--mapping must be JSON/],
      [[file], { account: account.id, preset: "nope" }, /--preset must be one of/],
    ] as const) {
      const res = await run([...args], { ...options });
      expect(res.code, String(said)).toBe(2);
      expect(res.err, String(said)).toHaveLength(1);
      expect(res.err[0], String(said)).toMatch(said);
    }
    const missing = await run([join(dir, "nope.csv")], { account: account.id, mapping });
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err[0]).toMatch(/cannot read .*ENOENT/);
  });
});
