import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { postgres, sqlite, type WritePoint } from "@valhalla/runtime";
import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { type Acked, verifyThroughDriver, writer } from "./crash-harness.js";
import { type IsolatedStore, postgresStore, sqliteStore } from "./services.js";
import { firstLine, spawnTs } from "./spawn-ts.js";

const here = dirname(fileURLToPath(import.meta.url));
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
const POINTS: readonly WritePoint[] = ["begin", "record", "index", "commit"];
const REPEATS = 3;
const WRITERS = 8;

/** The driver the checks read through (the same store the host used). */
function openDriver(url: string) {
  if (url.startsWith("sqlite:")) return sqlite({ path: url.slice("sqlite:".length) });
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  return postgres({ url: u.toString(), ...(schema ? { schema } : {}) });
}

/**
 * D1's named crash points: the host kills itself (SIGKILL) at one named step of one box write while
 * 8 writers run, then the store is checked while the host is down. Before the commit the write must
 * be absent and nothing else lost; after the commit (not yet acknowledged) it must be there whole.
 * Redis is left out: a write there is one Lua script, with no step between its parts to crash at.
 */
describe.each<IsolatedStore>([sqliteStore, postgresStore])("named crash points on $name", (store) => {
  it.skipIf(store.skip)(
    `should keep the store consistent when killed at each step of a write, ${REPEATS} times each`,
    async () => {
      const { url, cleanup } = store.make();
      const acked = new Map<string, Acked>();
      const seq = { n: 0 };
      const seen: string[] = [];
      try {
        for (const point of POINTS) {
          for (let round = 0; round < REPEATS; round++) {
            const after = 5 + Math.floor(Math.random() * 30);
            const host = spawnTs(join(here, "fixtures/serve-crash.ts"), {
              STORE_URL: url,
              CRASH_POINT: point,
              CRASH_AFTER: String(after),
            });
            let crash: { point: string; id: string; rev: number } | undefined;
            host.stderr!.on("data", (d: Buffer) => {
              const m = /CRASH (\{.*\})/.exec(d.toString());
              if (m) crash = JSON.parse(m[1]!);
            });
            // Never leave a host behind, whatever fails below.
            onTestFinished(() => {
              if (host.exitCode === null && host.signalCode === null) host.kill("SIGKILL");
            });
            const { port } = await firstLine<{ port: number }>(host);
            if (process.env.VALHALLA_D1_VERBOSE)
              console.info(`[D1 ${store.name}] ${point} #${round + 1} listening`);
            let alive = true;
            const exited = new Promise<NodeJS.Signals | null>((r) => host.once("exit", (_c, sig) => r(sig)));
            const writers = Array.from({ length: WRITERS }, (_, w) =>
              writer(`http://127.0.0.1:${port}`, w, acked, () => alive, seq),
            );
            // The host ends itself at the crash point: that event, not a timer, ends the round.
            expect(await exited).toBe("SIGKILL");
            alive = false;
            await Promise.all(writers);
            expect(crash, "the host said which write it crashed in").toMatchObject({ point });

            if (process.env.VALHALLA_D1_VERBOSE) console.info(`[D1 ${store.name}] crashed`, crash);
            const driver = openDriver(url);
            await driver.init();
            try {
              const rows = await verifyThroughDriver(driver, acked);
              const stored = rows.get(crash!.id)?.rev ?? 0;
              // Committed but unacknowledged: there, whole. Any step before: not there at all.
              if (point === "commit") expect(stored).toBe(crash!.rev);
              else expect(stored).toBe(crash!.rev - 1);
            } finally {
              await driver.close();
            }
            if (url.startsWith("sqlite:")) {
              const db = new Database(url.slice("sqlite:".length), { readonly: true });
              try {
                expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
              } finally {
                db.close();
              }
            }
            seen.push(`${point}#${round + 1}@${after}`);
          }
        }
        console.info(
          `[D1 ${store.name}] crashed at ${seen.join(" ")}: ${acked.size} acknowledged boxes intact, no crashed write half-done`,
        );
        expect(seen).toHaveLength(POINTS.length * REPEATS);
      } finally {
        await cleanup();
      }
    },
    240_000,
  );
});
