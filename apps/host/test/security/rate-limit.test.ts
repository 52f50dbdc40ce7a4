import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { createHost } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { processCounter } from "../../src/pipeline/stages/rate-limit.js";
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

  // The embedded store guarantees locks within one process only, so its limiter counts in the
  // process too (no durable write per request); across replicas see the H4 cases below.
  it("should let exactly 10 of 30 concurrent requests through on the embedded store", async () => {
    const db = tmpSqlite();
    try {
      const host = await createHost({
        packs: allPacks,
        storage: db.url,
        log: silentLogger,
        rateLimit: { limit: 10, windowMs: 60_000 },
      });
      hosts.push(host);
      const key = await keyFor(host, "admin");
      const results = await Promise.all(
        Array.from({ length: 30 }, () => host.fetch(req("GET", "/testboard/items", { key }))),
      );
      const ok = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status === 429);
      expect(ok).toHaveLength(10);
      expect(limited).toHaveLength(20);
      expect(limited.every((r) => Number(r.headers.get("retry-after")) >= 1)).toBe(true);
      expect(new Set(ok.map((r) => r.headers.get("ratelimit-remaining")))).toEqual(
        new Set(Array.from({ length: 10 }, (_, i) => String(i))),
      );
    } finally {
      await Promise.all(hosts.splice(0).map((h) => h.close()));
      db.cleanup();
    }
  });

  it("should start a new window after the old one ends and forget finished windows", async () => {
    let now = 1_000_000;
    const count = processCounter(() => now);
    expect((await count("a", 1000)).count).toBe(1);
    expect(await count("a", 1000)).toEqual({ count: 2, resetAt: 1_001_000 });
    now += 1000;
    expect(await count("a", 1000)).toEqual({ count: 1, resetAt: 1_002_000 });
    // 10,000 one-off callers, then time passes: the next new caller sweeps the finished windows.
    for (let i = 0; i < 10_000; i++) await count(`ip:${i}`, 1000);
    expect(count.size()).toBe(10_001);
    now += 5000;
    expect((await count("fresh", 1000)).count).toBe(1);
    expect(count.size()).toBe(1);
    expect((await count("ip:7", 1000)).count).toBe(1);
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
