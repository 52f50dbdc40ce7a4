import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { type Account, CsvMapping } from "../../src/account-schemas.js";
import { fileSource } from "../../src/import/statement-source.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const account = {
  id: "acct_1",
  currency: "USD",
  csv_mapping: null,
} as unknown as Stored<Account>;
const mapping = v.parse(CsvMapping, { date: "Date", payee: "Payee", amount: "Amount" });

async function collect(it: AsyncIterable<unknown>) {
  const out = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("fileSource", () => {
  it("should read a CSV file again from the top on each pass, and refuse a file that changed in between", async () => {
    const dir = mkdtempSync(join(tmpdir(), "source-"));
    dirs.push(dir);
    const path = join(dir, "a.csv");
    writeFileSync(path, "Date,Payee,Amount\n2026-01-02,Shop,-4.50\n2026-01-03,Cafe,-3.00\n");
    const source = fileSource(path, { format: "csv", mapping, dry_run: false }, account);
    const first = await collect(source.lines());
    expect(first).toEqual([
      { line: 2, date: "2026-01-02", amount_minor: -450, payee: "Shop", memo: null, bank_id: null },
      { line: 3, date: "2026-01-03", amount_minor: -300, payee: "Cafe", memo: null, bank_id: null },
    ]);
    expect(await collect(source.lines())).toEqual(first);
    writeFileSync(
      path,
      "Date,Payee,Amount\n2026-01-02,Shop,-4.50\n2026-01-03,Cafe,-3.00\n2026-01-04,New,-1.00\n",
    );
    await expect(collect(source.lines())).rejects.toMatchObject({ status: 409, code: "import-file-changed" });
  });
});
