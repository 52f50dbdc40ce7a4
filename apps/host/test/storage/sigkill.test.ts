import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type Acked, NS, writer } from "./crash-harness.js";
import { firstLine, spawnTs } from "./spawn-ts.js";

const here = dirname(fileURLToPath(import.meta.url));
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
const KILLS = 20;
const WRITERS = 8;

/** Check the store file while the host is down. */
function verify(path: string, acked: Map<string, Acked>) {
  const db = new Database(path);
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = db.prepare("SELECT id, rev, value FROM v_records WHERE ns = ?").all(NS) as {
      id: string;
      rev: number;
      value: string;
    }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const index = db.prepare("SELECT field, value, id FROM v_index WHERE ns = ?").all(NS) as {
      field: string;
      value: string;
      id: string;
    }[];
    for (const row of rows) {
      const rec = JSON.parse(row.value) as { id: string; rev: number; group: string; ops: string[] };
      expect(rec.rev).toBe(row.rev);
      expect(rec.id).toBe(row.id);
      // Index agrees with the record: exactly its one group entry.
      expect(index.filter((i) => i.id === row.id)).toEqual([
        { field: "group", value: `s:${rec.group}`, id: row.id },
      ]);
    }
    for (const i of index) expect(byId.has(i.id)).toBe(true);
    let missing = 0;
    for (const [id, a] of acked) {
      const row = byId.get(id);
      if (!row) {
        missing++;
        continue;
      }
      const rec = JSON.parse(row.value) as { ops: string[] };
      expect(row.rev).toBeGreaterThanOrEqual(a.rev);
      expect(rec.ops.slice(0, a.ops.length)).toEqual(a.ops);
    }
    expect(missing).toBe(0);
    return rows.length;
  } finally {
    db.close();
  }
}

describe("embedded store under SIGKILL", () => {
  it(`should keep every acknowledged write across ${KILLS} kills under ${WRITERS} concurrent writers`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-d1-"));
    const path = join(dir, "store.db");
    const acked = new Map<string, Acked>();
    const seq = { n: 0 };
    let records = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        const host = spawnTs(join(here, "fixtures/serve.ts"), { STORE_URL: `sqlite:${path}` });
        const { port } = await firstLine<{ port: number }>(host);
        let alive = true;
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          writer(`http://127.0.0.1:${port}`, w, acked, () => alive, seq),
        );
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 450));
        host.kill("SIGKILL");
        await new Promise((r) => host.once("exit", r));
        alive = false;
        await Promise.all(writers);
        records = verify(path, acked);
      }
      const ops = [...acked.values()].reduce((n, a) => n + a.ops.length, 0);
      console.info(
        `[D1] ${KILLS} SIGKILLs: ${acked.size} acknowledged creates and ${ops} appends all present; ${records} records`,
      );
      expect(acked.size).toBeGreaterThan(KILLS);
      expect(ops).toBeGreaterThan(KILLS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 170_000);
});
