import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type IsolatedStore, postgresStore, redisStore, sqliteStore } from "./services.js";
import { allLines, firstLine, spawnTs } from "./spawn-ts.js";

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = 4;
const OPS_PER_CLIENT = 50;
const REPLICAS = 2;

for (const store of [sqliteStore, redisStore, postgresStore] satisfies IsolatedStore[]) {
  describe.skipIf(store.skip)(`conditional updates through the host (${store.name})`, () => {
    it(`should keep exactly the ${CLIENTS * OPS_PER_CLIENT} updates that got 2xx and answer 412 to the rest`, async () => {
      const { url, cleanup } = store.make();
      const hosts: ChildProcess[] = [];
      try {
        // Replicas start together: schema creation and migrations must cope with the race.
        const bases = await Promise.all(
          Array.from({ length: REPLICAS }, async () => {
            const child = spawnTs(join(here, "fixtures/serve.ts"), { STORE_URL: url });
            hosts.push(child);
            return `http://127.0.0.1:${(await firstLine<{ port: number }>(child)).port}`;
          }),
        );
        const created = await fetch(`${bases[0]}/opstest`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ group: "l1" }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: string };

        const results = (
          await Promise.all(
            Array.from({ length: CLIENTS }, (_, w) =>
              allLines<{ op: string; status: number; type?: string }>(
                // Plain JavaScript: clients need no sources, so they start without tsx.
                spawn(process.execPath, [join(here, "fixtures/client.mjs")], {
                  env: {
                    ...process.env,
                    BASES: bases.join(","),
                    RECORD_ID: id,
                    WORKER: `w${w}`,
                    OPS: String(OPS_PER_CLIENT),
                  },
                  stdio: ["ignore", "pipe", "pipe"],
                }),
              ),
            ),
          )
        ).flat();
        // Every op was tried at least once; each try is one conditional update.
        expect(new Set(results.map((r) => r.op)).size).toBe(CLIENTS * OPS_PER_CLIENT);
        const acked = results.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.op);
        const rejected = results.filter((r) => r.status < 200 || r.status >= 300);
        for (const r of rejected)
          expect(r).toMatchObject({ status: 412, type: expect.stringContaining("stale-revision") });
        expect(acked.length).toBeGreaterThan(0);
        console.info(
          `[L1 ${store.name}] ${results.length} conditional PATCHes: ${acked.length} acknowledged, ${rejected.length} rejected with 412`,
        );

        const final = await fetch(`${bases[1]}/opstest/${id}`);
        expect(final.status).toBe(200);
        const box = (await final.json()) as { ops: string[]; rev: number };
        expect([...box.ops].sort()).toEqual([...acked].sort());
        expect(new Set(acked).size).toBe(acked.length);
        expect(box.rev).toBe(acked.length + 1);
        expect(final.headers.get("etag")).toBe(`"${box.rev}"`);
      } finally {
        for (const h of hosts) h.kill("SIGKILL");
        await cleanup();
      }
    }, 120_000);
  });
}
