import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Driver, indexesOf, MIGRATIONS_NS, postgres, sqlite } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { createHost, installedPacks, silentLogger } from "../../src/index.js";
import { postgresStore } from "./services.js";
import { TS_NODE_ARGS } from "./spawn-ts.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "../../src/cli.ts");

/** Run the CLI with stdin/stdout bound to files; resolves with stderr once it exits 0. */
function runCli(
  args: string[],
  env: Record<string, string>,
  io: { stdin?: string; stdout?: string },
  cwd: string,
) {
  return new Promise<string>((resolve, reject) => {
    const stdin = io.stdin ? openSync(io.stdin, "r") : "ignore";
    const stdout = io.stdout ? openSync(io.stdout, "w") : "ignore";
    const child = spawn(process.execPath, [...TS_NODE_ARGS, cli, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: [stdin, stdout, "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      if (typeof stdin === "number") closeSync(stdin);
      if (typeof stdout === "number") closeSync(stdout);
      if (code === 0) resolve(err);
      else reject(new Error(`valhalla ${args.join(" ")} exited ${code}: ${err}`));
    });
  });
}

async function snapshot(driver: Driver) {
  const out: Record<string, [string, number, unknown][]> = {};
  for (const ns of await driver.namespaces()) {
    const rows: [string, number, unknown][] = [];
    for await (const r of driver.scan(ns)) rows.push([r.id, r.rev, JSON.parse(r.value)]);
    out[ns] = rows;
  }
  return out;
}

/** Every index entry, asked through the driver: (ns, field, value) → ids. */
async function indexView(driver: Driver, values: Record<string, unknown[]>) {
  const out: Record<string, string[]> = {};
  for (const [ns, fields] of indexesOf(installedPacks)) {
    for (const field of fields) {
      for (const v of values[field] ?? []) {
        const enc =
          v === null ? "z:" : `${typeof v === "string" ? "s" : typeof v === "number" ? "n" : "b"}:${v}`;
        const rows = await driver.list(ns, { where: { [field]: enc }, limit: 1000, order: "asc" });
        out[`${ns} ${field}=${enc}`] = rows.map((r) => r.id);
      }
    }
  }
  return out;
}

describe.skipIf(postgresStore.skip)("valhalla export | valhalla import", () => {
  it("should move every record, rev and index from sqlite to Postgres", async () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-dump-"));
    const sqliteUrl = `sqlite:${join(dir, "src.db")}`;
    const target = postgresStore.make();
    try {
      const host = await createHost({
        packs: installedPacks,
        storage: sqliteUrl,
        log: silentLogger,
        auth: { disabled: true },
      });
      const post = (body: object) =>
        host.fetch(
          new Request("http://h/holdings", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          }),
        );
      const ids: string[] = [];
      for (let i = 0; i < 9; i++) {
        const res = await post({
          type: ["property", "resort", "trust"][i % 3],
          label: `Asset ${i} — ünïcode 🏠`,
          currency: i % 2 ? "USD" : "EUR",
          jurisdiction: i % 2 ? "US-TX" : undefined,
          internal_ref: "0042",
        });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      for (const id of ids.slice(0, 3)) {
        const res = await host.fetch(
          new Request(`http://h/holdings/${id}`, {
            method: "PATCH",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ active: false, jurisdiction: "PT" }),
          }),
        );
        expect(res.status).toBe(200);
      }
      await host.close();

      const dump = join(dir, "dump.ndjson");
      const exported = await runCli(["export"], { VALHALLA_STORAGE: sqliteUrl }, { stdout: dump }, dir);
      expect(exported).toMatch(/Exported \d+ records/);
      const lines = readFileSync(dump, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.ns === "holdings.assets")).toHaveLength(9);
      for (const l of lines)
        expect(Object.keys(l).sort()).toEqual(expect.arrayContaining(["id", "ns", "rev", "value"]));

      const imported = await runCli(["import"], { VALHALLA_STORAGE: target.url }, { stdin: dump }, dir);
      expect(imported).toContain(`Imported ${lines.length} records`);

      const src = sqlite({ path: join(dir, "src.db") });
      const schema = new URL(target.url).searchParams.get("schema")!;
      const dst = postgres({ url: target.url.replace(/\?.*$/, ""), schema });
      try {
        const before = await snapshot(src);
        expect(before["holdings.assets"]!.filter(([, rev]) => rev === 2)).toHaveLength(3);
        expect(await snapshot(dst)).toEqual(before);
        const values = {
          type: ["property", "resort", "trust"],
          currency: ["USD", "EUR"],
          jurisdiction: ["US-TX", "PT", null],
          active: [true, false],
        };
        const srcIndex = await indexView(src, values);
        expect(srcIndex["holdings.assets active=b:false"]).toHaveLength(3);
        expect(await indexView(dst, values)).toEqual(srcIndex);

        // A partial export keeps only that pack's namespaces and migration state.
        const partial = join(dir, "partial.ndjson");
        await runCli(
          ["export", "--packs", "holdings"],
          { VALHALLA_STORAGE: sqliteUrl },
          { stdout: partial },
          dir,
        );
        const kept = readFileSync(partial, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { ns: string; id: string });
        for (const l of kept)
          expect(l.ns.startsWith("holdings.") || (l.ns === MIGRATIONS_NS && l.id === "holdings")).toBe(true);
        expect(kept.length).toBeGreaterThanOrEqual(9);
      } finally {
        await src.close();
        await dst.close();
      }
    } finally {
      await target.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
