/**
 * `npm run bench:import` (also run by `npm run bench`): the CLI's two bulk paths at 10,000 and
 * 100,000 rows on the embedded SQLite store — `valhalla import` (an NDJSON dump of holdings) and
 * `valhalla import-bank` (a bank CSV) — each in its own process, timed, with its peak RSS (GNU time)
 * and the progress lines it printed. The ratios that matter are within one run: time per row
 * should stay flat as the file grows ×10, and peak memory should not grow with it (import-bank
 * streams its CSV: peak RSS at 100k rows should stay within 1.3× the 10k peak).
 * `BENCH_KINDS=import-bank` runs one command only. A partial run (that, or `npm run bench` with
 * `BENCH_ONLY`, a developer's subset) writes bench/results/import-partial.*, beside the reference figures.
 * Writes bench/results/import.{json,md}.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHost, installedPacks, silentLogger } from "@valhalla/host";
import { machineInfo } from "./lib/report.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const cli = join(here, "../apps/host/dist/cli.js");
const quick = process.env.BENCH_QUICK === "1";
const levels = quick ? [2_000, 20_000] : [10_000, 100_000];
const KINDS = ["import", "import-bank"] as const;
const kinds = (process.env.BENCH_KINDS?.split(",") ?? [...KINDS]).filter((k): k is (typeof KINDS)[number] =>
  (KINDS as readonly string[]).includes(k),
);
const TIME = "/usr/bin/time";
/** Heap cap (MB) of the extra import-bank run at the largest size. */
const HEAP_CAP_MB = 48;

interface Row {
  readonly kind: "import" | "import-bank";
  /** V8 heap cap the run had (`--max-old-space-size`), when it had one. */
  readonly heap_cap_mb?: number;
  readonly rows: number;
  readonly seconds: number;
  readonly rows_per_s: number;
  readonly peak_rss_mb: number;
  readonly progress_lines: number;
  readonly exit: number;
}

/** Run the CLI under GNU time; resolves with wall seconds, peak RSS and what it printed. */
function timed(args: string[], env: Record<string, string>, stdinFile?: string, nodeFlags: string[] = []) {
  return new Promise<{ seconds: number; rssMb: number; err: string; code: number }>((resolve, reject) => {
    const child = spawn(TIME, ["-f", "BENCH_TIME %e %M", process.execPath, ...nodeFlags, cli, ...args], {
      env: { ...process.env, ...env },
      stdio: [stdinFile ? "pipe" : "ignore", "ignore", "pipe"],
    });
    if (stdinFile) {
      import("node:fs").then((fs) => fs.createReadStream(stdinFile).pipe(child.stdin!), reject);
    }
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const m = /BENCH_TIME ([\d.]+) (\d+)/.exec(err);
      if (!m) return reject(new Error(`no timing from ${args[0]}: ${err.slice(-500)}`));
      resolve({ seconds: Number(m[1]), rssMb: Math.round(Number(m[2]) / 1024), err, code: code ?? -1 });
    });
  });
}

/** A holding record as the API stores it, to copy into a dump. */
async function holdingTemplate(): Promise<Record<string, unknown>> {
  const host = await createHost({
    packs: installedPacks,
    storage: "memory:",
    log: silentLogger,
    auth: { disabled: true },
  });
  try {
    const res = await host.fetch(
      new Request("http://bench/holdings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "property", label: "Template", currency: "USD", jurisdiction: "TX" }),
      }),
    );
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await host.close();
  }
}

/** A new account in the store at `path`; returns its id. */
async function accountIn(path: string): Promise<string> {
  const host = await createHost({
    packs: installedPacks,
    storage: `sqlite:${path}`,
    log: silentLogger,
    auth: { disabled: true },
  });
  try {
    const res = await host.fetch(
      new Request("http://bench/budget/accounts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Checking", type: "checking", opening_date: "2025-01-01" }),
      }),
    );
    return ((await res.json()) as { id: string }).id;
  } finally {
    await host.close();
  }
}

async function main() {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to measure peak memory`);
  const dir = mkdtempSync(join(tmpdir(), "valhalla-bench-import-"));
  const rows: Row[] = [];
  const started = Date.now();
  const template = kinds.includes("import") ? await holdingTemplate() : {};
  try {
    for (const n of levels) {
      if (kinds.includes("import")) await runImport(n);
      if (kinds.includes("import-bank")) await runImportBank(n);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  /** valhalla import: an NDJSON dump of n holdings. */
  async function runImport(n: number) {
    const dump = join(dir, `holdings-${n}.ndjson`);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `asset_bench${String(i).padStart(8, "0")}`;
      const value = { ...template, id, label: `Holding ${i}` };
      lines.push(JSON.stringify({ ns: "holdings.assets", id, rev: 1, value }));
    }
    writeFileSync(dump, `${lines.join("\n")}\n`);
    const imp = await timed(
      ["import", "--progress"],
      { VALHALLA_STORAGE: `sqlite:${join(dir, `import-${n}.db`)}` },
      dump,
    );
    rows.push({
      kind: "import",
      rows: n,
      seconds: imp.seconds,
      rows_per_s: Math.round(n / imp.seconds),
      peak_rss_mb: imp.rssMb,
      progress_lines: imp.err.split("\n").filter((l) => l.startsWith("imported ")).length,
      exit: imp.code,
    });
    console.log(JSON.stringify(rows.at(-1)));
  }

  /** valhalla import-bank: a bank CSV of n rows into a new account. */
  async function runImportBank(n: number) {
    const db = join(dir, `bank-${n}.db`);
    const account = await accountIn(db);
    const csv = join(dir, `bank-${n}.csv`);
    const out = ["Date,Payee,Amount"];
    for (let i = 0; i < n; i++)
      out.push(
        `2025-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},Payee ${i % 997},-${(i % 500) + 1}.${String(i % 100).padStart(2, "0")}`,
      );
    writeFileSync(csv, out.join("\n"));
    const run = async (path: string, acct: string, cap?: number) => {
      const bank = await timed(
        [
          "import-bank",
          csv,
          "--account",
          acct,
          "--mapping",
          '{"date":"Date","payee":"Payee","amount":"Amount"}',
        ],
        { VALHALLA_STORAGE: `sqlite:${path}` },
        undefined,
        cap === undefined ? [] : [`--max-old-space-size=${cap}`],
      );
      rows.push({
        kind: "import-bank",
        ...(cap === undefined ? {} : { heap_cap_mb: cap }),
        rows: n,
        seconds: bank.seconds,
        rows_per_s: Math.round(n / bank.seconds),
        peak_rss_mb: bank.rssMb,
        progress_lines: bank.err.split("\n").filter((l) => / rows \(\d+ %\)/.test(l)).length,
        exit: bank.code,
      });
      console.log(JSON.stringify(rows.at(-1)));
    };
    await run(db, account);
    // Peak RSS is mostly V8 letting garbage pile up between collections. The same file into a fresh
    // account with the heap capped shows what the import really keeps alive (the whole-file
    // import-bank needed about 96 MB of heap at 100,000 rows).
    if (n === levels.at(-1)) {
      const capped = join(dir, `bank-${n}-capped.db`);
      await run(capped, await accountIn(capped), HEAP_CAP_MB);
    }
  }
  const [small, big] = levels as [number, number];
  const pick = (kind: Row["kind"], n: number) =>
    rows.find((r) => r.kind === kind && r.rows === n && r.heap_cap_mb === undefined)!;
  const ratios = Object.fromEntries(
    kinds.flatMap((kind) => [
      [
        `${kind}.time_per_row.${big}/${small}`,
        +(pick(kind, big).seconds / big / (pick(kind, small).seconds / small)).toFixed(2),
      ],
      [
        `${kind}.peak_rss.${big}/${small}`,
        +(pick(kind, big).peak_rss_mb / pick(kind, small).peak_rss_mb).toFixed(2),
      ],
    ]),
  );
  const machine = machineInfo() as { date: string; cpu: string; cores: number; node: string };
  const results = {
    meta: { ...machine, quick, levels, kinds, duration_s: Math.round((Date.now() - started) / 1000) },
    rows,
    ratios,
  };
  mkdirSync(join(here, "results"), { recursive: true });
  // `npm run bench` runs this after bench/run.ts: a subset of its cases is not a reference run either.
  const partial = kinds.length < KINDS.length || process.env.BENCH_ONLY !== undefined;
  const name = quick ? "import-quick" : partial ? "import-partial" : "import";
  writeFileSync(join(here, "results", `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(here, "results", `${name}.md`),
    [
      "# Bulk import (CLI, SQLite)",
      "",
      `${results.meta.date} · ${results.meta.cpu} · ${results.meta.cores} cores · Node ${results.meta.node}`,
      "",
      "| command | rows | seconds | rows/s | peak RSS (MB) | progress lines | exit |",
      "|---|---|---|---|---|---|---|",
      ...rows.map(
        (r) =>
          `| ${r.kind}${r.heap_cap_mb ? ` (heap capped at ${r.heap_cap_mb} MB)` : ""} | ${r.rows.toLocaleString("en-US")} | ${r.seconds} | ${r.rows_per_s.toLocaleString("en-US")} | ${r.peak_rss_mb} | ${r.progress_lines} | ${r.exit} |`,
      ),
      "",
      "| ratio (same run) | value |",
      "|---|---|",
      ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${v} |`),
      "",
    ].join("\n"),
  );
  console.log(`\nwrote bench/results/${name}.{json,md}`);
  for (const [k, v] of Object.entries(ratios)) console.log(`${k} = ${v}`);
  if (rows.some((r) => r.exit !== 0 || r.progress_lines === 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
