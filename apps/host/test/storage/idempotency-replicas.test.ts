import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type IsolatedStore, postgresStore, redisStore } from "./services.js";
import { firstLine, spawnTs } from "./spawn-ts.js";

const here = dirname(fileURLToPath(import.meta.url));
const REPLICAS = 3;
const REQUESTS = 20;

// H3 across real processes: the claim on an Idempotency-Key is an insert-if-absent in the shared
// store, so replicas racing on one key produce one effect whatever process each request reaches.
for (const store of [redisStore, postgresStore] satisfies IsolatedStore[]) {
  describe.skipIf(store.skip)(`idempotency across ${REPLICAS} host processes (${store.name})`, () => {
    it(`should create one record for ${REQUESTS} concurrent POSTs with one key; the rest replay it or get 409`, async () => {
      const { url, cleanup } = store.make();
      const hosts: ChildProcess[] = [];
      try {
        const bases = await Promise.all(
          Array.from({ length: REPLICAS }, async () => {
            const child = spawnTs(join(here, "fixtures/serve.ts"), { STORE_URL: url });
            hosts.push(child);
            return `http://127.0.0.1:${(await firstLine<{ port: number }>(child)).port}`;
          }),
        );
        const body = JSON.stringify({ group: "h3" });
        const answers = await Promise.all(
          Array.from({ length: REQUESTS }, async (_, i) => {
            const res = await fetch(`${bases[i % REPLICAS]}/opstest`, {
              method: "POST",
              headers: { "content-type": "application/json", "idempotency-key": '"h3-key"' },
              body,
            });
            return {
              status: res.status,
              text: await res.text(),
              replayed: res.headers.get("idempotent-replayed"),
            };
          }),
        );
        const created = answers.filter((a) => a.status === 201);
        const busy = answers.filter((a) => a.status === 409);
        expect(created.length + busy.length).toBe(REQUESTS);
        expect(created.length).toBeGreaterThanOrEqual(1);
        // Every non-409 answer is the first response, byte for byte; all but one are replays.
        expect(new Set(created.map((a) => a.text)).size).toBe(1);
        expect(created.filter((a) => a.replayed !== "true")).toHaveLength(1);
        for (const a of busy)
          expect(JSON.parse(a.text).type).toBe("https://valhalla.dev/problems/idempotency-in-flight");

        const list = (await (await fetch(`${bases[2]}/opstest?group=h3`)).json()) as { items: unknown[] };
        expect(list.items).toHaveLength(1);
        // A retry after the storm replays the same record from any replica.
        const again = await fetch(`${bases[1]}/opstest`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": '"h3-key"' },
          body,
        });
        expect(again.status).toBe(201);
        expect(await again.text()).toBe(created[0]!.text);
      } finally {
        for (const h of hosts) h.kill("SIGKILL");
        await cleanup();
      }
    }, 120_000);
  });
}
