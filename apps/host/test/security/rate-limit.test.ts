import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { createHost } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { allPacks, json, keyFor, req, testHost, tmpSqlite } from "../fixtures/hosts.js";
import { postgresStore, redisStore } from "../storage/services.js";

describe("rate limit", () => {
  const hosts: Host[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });

  it("should answer 429 with Retry-After past the limit, per key", async () => {
    const host = await testHost({ rateLimit: { limit: 3, windowMs: 60_000 } });
    hosts.push(host);
    const a = await keyFor(host, "admin", "a");
    const b = await keyFor(host, "admin", "b");
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await host.fetch(req("GET", "/testboard/items", { key: a }))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await host.fetch(req("GET", "/testboard/items", { key: a }));
    expect(res.status).toBe(429);
    expect((await json(res)).type).toBe("https://valhalla.dev/problems/rate-limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    const other = await host.fetch(req("GET", "/testboard/items", { key: b }));
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit-limit")).toBe("3");
    // Probes are never throttled.
    expect((await host.fetch(req("GET", "/healthz"))).status).toBe(200);
  });

  it("should share one budget across 3 replicas over one store", async () => {
    const db = tmpSqlite();
    try {
      for (let i = 0; i < 3; i++)
        hosts.push(
          await createHost({
            packs: allPacks,
            storage: db.url,
            log: silentLogger,
            rateLimit: { limit: 10, windowMs: 60_000 },
          }),
        );
      const key = await keyFor(hosts[0]!, "admin");
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => hosts[i % 3]!.fetch(req("GET", "/testboard/items", { key }))),
      );
      const ok = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status === 429);
      expect(ok).toHaveLength(10);
      expect(limited).toHaveLength(20);
      expect(limited.every((r) => Number(r.headers.get("retry-after")) >= 1)).toBe(true);
    } finally {
      await Promise.all(hosts.splice(0).map((h) => h.close()));
      db.cleanup();
    }
  });

  // H4: the limiter counts in the shared store atomically (Lua / SQL), never per process.
  for (const store of [redisStore, postgresStore]) {
    it.skipIf(store.skip)(
      `should let exactly 100 of 300 requests through across 3 replicas on ${store.name}`,
      async () => {
        const { url, cleanup } = store.make();
        try {
          for (let i = 0; i < 3; i++)
            hosts.push(
              await createHost({
                packs: allPacks,
                storage: url,
                log: silentLogger,
                rateLimit: { limit: 100, windowMs: 60_000 },
              }),
            );
          const key = await keyFor(hosts[0]!, "admin");
          const results = await Promise.all(
            Array.from({ length: 300 }, (_, i) =>
              hosts[i % 3]!.fetch(req("GET", "/testboard/items", { key })),
            ),
          );
          const statuses = results.map((r) => r.status);
          expect(statuses.filter((s) => s === 200)).toHaveLength(100);
          expect(statuses.filter((s) => s === 429)).toHaveLength(200);
          const limited = results.filter((r) => r.status === 429);
          expect(limited.every((r) => Number(r.headers.get("retry-after")) >= 1)).toBe(true);
        } finally {
          await Promise.all(hosts.splice(0).map((h) => h.close()));
          await cleanup();
        }
      },
    );
  }
});
