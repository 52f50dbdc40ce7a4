import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { createHost, type Host } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { IDEMPOTENCY_NS, sweepIdempotencyKeys } from "../../src/pipeline/stages/idempotency.js";
import { allPacks, boardItems, json, keyFor, req, testHost, tmpSqlite } from "../fixtures/hosts.js";

const post = (key: string, idem: string, body: unknown, path = "/testboard/items") =>
  req("POST", path, { key, body, headers: { "idempotency-key": idem } });

describe("idempotency keys", () => {
  const hosts: Host[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });
  const start = async (opts = {}) => {
    const h = await testHost(opts);
    hosts.push(h);
    return h;
  };
  const count = (h: Host) => boardItems(h).count();

  it("should replay the first response byte for byte and create one record", async () => {
    const host = await start();
    const key = await keyFor(host, "testboard:write");
    const first = await host.fetch(post(key, '"order-1"', { name: "a" }));
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const again = await host.fetch(post(key, '"order-1"', { name: "a" }));
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstBody);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(await count(host)).toBe(1);
  });

  it("should answer 422 for the same key with another body", async () => {
    const host = await start();
    const key = await keyFor(host, "testboard:write");
    expect((await host.fetch(post(key, "k-2", { name: "a" }))).status).toBe(201);
    const res = await host.fetch(post(key, "k-2", { name: "b" }));
    expect(res.status).toBe(422);
    expect((await json(res)).type).toBe("https://valhalla.dev/problems/idempotency-key-reused");
    expect(await count(host)).toBe(1);
  });

  it("should answer 409 while the first request is in flight", async () => {
    const host = await start();
    const key = await keyFor(host, "testboard:write");
    const slow = host.fetch(post(key, "k-3", { name: "a" }, "/testboard/slow?ms=200"));
    await new Promise((r) => setTimeout(r, 50));
    const res = await host.fetch(post(key, "k-3", { name: "a" }, "/testboard/slow?ms=200"));
    expect(res.status).toBe(409);
    expect((await json(res)).type).toBe("https://valhalla.dev/problems/idempotency-in-flight");
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await slow).status).toBe(201);
    expect((await host.fetch(post(key, "k-3", { name: "a" }, "/testboard/slow?ms=200"))).status).toBe(201);
    expect(await count(host)).toBe(1);
  });

  it("should scope keys per API key", async () => {
    const host = await start();
    const a = await keyFor(host, "testboard:write", "a");
    const b = await keyFor(host, "testboard:write", "b");
    const ra = await host.fetch(post(a, "same", { name: "a" }));
    const rb = await host.fetch(post(b, "same", { name: "a" }));
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.headers.get("idempotent-replayed")).toBeNull();
    expect((await json(ra)).id).not.toBe((await json(rb)).id);
    expect(await count(host)).toBe(2);
  });

  it("should not record requests refused before the handler ran", async () => {
    const host = await start();
    const key = await keyFor(host, "testboard:write");
    const bad = await host.fetch(post(key, "k-5", { name: "" }));
    expect(bad.status).toBe(400);
    const reader = await keyFor(host, "testboard:read");
    expect((await host.fetch(post(reader, "k-5", { name: "a" }))).status).toBe(403);
    // The key is still free: the valid request runs and is recorded.
    expect((await host.fetch(post(key, "k-5", { name: "a" }))).status).toBe(201);
    expect(await count(host)).toBe(1);
  });

  it("should release the key of a timed-out request once its handler stops", async () => {
    const host = await start({ timeoutMs: 100 });
    const key = await keyFor(host, "testboard:write");
    const res = await host.fetch(post(key, "k-6", { name: "a" }, "/testboard/slow?ms=250"));
    expect(res.status).toBe(504);
    expect((await host.fetch(post(key, "k-6", { name: "a" }, "/testboard/slow?ms=250"))).status).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect((await host.fetch(post(key, "k-6", { name: "a" }, "/testboard/slow?ms=10"))).status).toBe(201);
    expect(await count(host)).toBe(1);
  });

  it("should reject malformed keys with 400", async () => {
    const host = await start();
    const key = await keyFor(host, "testboard:write");
    for (const bad of ['"unterminated', "x".repeat(256), "", '"a"b"', "caf\u00e9"]) {
      const res = await host.fetch(post(key, bad, { name: "a" }));
      expect(res.status).toBe(400);
      expect((await json(res)).type).toBe("https://valhalla.dev/problems/invalid-idempotency-key");
    }
    expect((await host.fetch(post(key, "x".repeat(255), { name: "a" }))).status).toBe(201);
  });

  it("should expire records after the TTL", async () => {
    const host = await start({ idempotency: { ttlMs: 150 } });
    const key = await keyFor(host, "testboard:write");
    expect((await host.fetch(post(key, "k-8", { name: "a" }))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));
    const res = await host.fetch(post(key, "k-8", { name: "b" }));
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(await count(host)).toBe(2);
  });

  it("should create one record for 20 concurrent identical POSTs across 3 replicas", async () => {
    const db = tmpSqlite();
    try {
      for (let i = 0; i < 3; i++)
        hosts.push(await createHost({ packs: allPacks, storage: db.url, log: silentLogger }));
      const key = await keyFor(hosts[0]!, "testboard:write");
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          hosts[i % 3]!.fetch(post(key, '"replicas-1"', { name: "once" }, "/testboard/slow?ms=30")),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const bodies = await Promise.all(responses.filter((r) => r.status === 201).map((r) => r.text()));
      expect(bodies.length).toBeGreaterThanOrEqual(1);
      expect(new Set(bodies).size).toBe(1);
      // Retries after the dust settles replay the same bytes on every replica.
      for (const h of hosts) {
        const again = await h.fetch(post(key, '"replicas-1"', { name: "once" }, "/testboard/slow?ms=30"));
        expect(again.status).toBe(201);
        expect(await again.text()).toBe(bodies[0]);
      }
      expect(await boardItems(hosts[0]!).count()).toBe(1);
      expect(await hosts[0]!.registry.driver.count(IDEMPOTENCY_NS)).toBe(1);
    } finally {
      await Promise.all(hosts.splice(0).map((h) => h.close()));
      db.cleanup();
    }
  });

  it("should sweep keys past their replay window and keep the live ones (bounded storage)", async () => {
    let t = Date.parse("2026-12-03T10:00:00Z");
    const host = await start({
      storage: memory({ now: () => t }),
      idempotency: { ttlMs: 60_000 },
    });
    const key = await keyFor(host, "testboard:write");
    for (const k of ["a", "b", "c"])
      expect((await host.fetch(post(key, `"${k}"`, { name: k }))).status).toBe(201);
    t += 30_000;
    expect((await host.fetch(post(key, '"d"', { name: "d" }))).status).toBe(201);
    const driver = host.registry.driver;
    const keys = async () => {
      let n = 0;
      for await (const _ of driver.scan(IDEMPOTENCY_NS)) n++;
      return n;
    };
    expect(await keys()).toBe(4);
    t += 31_000; // a, b and c are past their 60 s window; d is not
    expect(await sweepIdempotencyKeys(driver, { ttlMs: 60_000 })).toBe(3);
    expect(await keys()).toBe(1);
    // A swept key is free again: the same key now creates a new record.
    expect((await host.fetch(post(key, '"a"', { name: "a2" }))).status).toBe(201);
    expect(await count(host)).toBe(5);
  });
});
