import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportDump, sqlite } from "@valhalla/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHost, installedPacks, silentLogger } from "../../src/index.js";
import { TS_NODE_ARGS } from "./spawn-ts.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli.ts");
const dir = mkdtempSync(join(tmpdir(), "valhalla-import-check-"));

/** Run `valhalla import …` with `stdin` from a file; resolves with the exit code and stderr. */
function importFile(args: string[], file: string, storage: string) {
  return new Promise<{ code: number | null; err: string }>((resolve) => {
    const stdin = openSync(file, "r");
    const child = spawn(process.execPath, [...TS_NODE_ARGS, cli, "import", ...args], {
      cwd: dir,
      env: { ...process.env, VALHALLA_STORAGE: storage },
      stdio: [stdin, "ignore", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      closeSync(stdin);
      resolve({ code, err });
    });
  });
}

/** Holdings records in the target store (read after the CLI exited). */
async function holdingsIn(file: string): Promise<number> {
  const d = sqlite({ path: file });
  await d.init();
  try {
    return await d.count("holdings.assets");
  } finally {
    await d.close();
  }
}

const lines: string[] = [];
beforeAll(async () => {
  const src = join(dir, "src.db");
  const host = await createHost({
    packs: installedPacks,
    storage: `sqlite:${src}`,
    log: silentLogger,
    auth: { disabled: true },
  });
  for (const label of ["Lake house", "Trust", "Vault"]) {
    const res = await host.fetch(
      new Request("http://h/holdings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "property", label, currency: "USD" }),
      }),
    );
    expect(res.status).toBe(201);
  }
  await host.close();
  const d = sqlite({ path: src });
  await d.init();
  for await (const l of exportDump(d)) if (l.includes('"ns":"holdings.assets"')) lines.push(l.trimEnd());
  await d.close();
  expect(lines).toHaveLength(3);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("valhalla import checks the whole dump before writing", () => {
  const withBadSecond = () => {
    const bad = JSON.parse(lines[1]!) as { value: Record<string, unknown> };
    bad.value.label = 5; // breaks the holdings schema: it would answer 500 on every read later
    const file = join(dir, "bad.ndjson");
    writeFileSync(file, [lines[0], JSON.stringify(bad), lines[2]].join("\n"));
    return file;
  };

  it("should refuse a dump with a record that breaks its schema, name line and field, and write nothing", async () => {
    const target = join(dir, "refused.db");
    const res = await importFile([], withBadSecond(), `sqlite:${target}`);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/line 2: 'label'/);
    expect(res.err).toMatch(/Refused: 1 of 3 lines are invalid; nothing was written/);
    expect(await holdingsIn(target)).toBe(0);
  }, 60_000);

  it("should import the valid lines with --skip-invalid and say what it skipped", async () => {
    const target = join(dir, "skipped.db");
    const res = await importFile(["--skip-invalid"], withBadSecond(), `sqlite:${target}`);
    expect(res.code, res.err).toBe(0);
    expect(res.err).toMatch(/line 2: 'label'/);
    expect(res.err).toMatch(/Skipped 1 invalid lines/);
    expect(res.err).toMatch(/Imported 2 records/);
    expect(await holdingsIn(target)).toBe(2);
  }, 60_000);

  it("should check and count with --dry-run, writing nothing", async () => {
    const file = join(dir, "good.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const target = join(dir, "dry.db");
    const res = await importFile(["--dry-run", "--progress"], file, `sqlite:${target}`);
    expect(res.code, res.err).toBe(0);
    expect(res.err).toMatch(/Dry run: 3 records would be imported, 0 lines skipped/);
    expect(await holdingsIn(target)).toBe(0);
    const real = await importFile(["--progress"], file, `sqlite:${target}`);
    expect(real.code, real.err).toBe(0);
    expect(real.err).toMatch(/imported 3\/3 \(\d+\/s, ETA 0s\)/);
    expect(await holdingsIn(target)).toBe(3);
  }, 60_000);
});
