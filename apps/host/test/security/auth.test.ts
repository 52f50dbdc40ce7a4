import type { Logger } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { apiKeyStore } from "../../src/security/api-keys.js";
import { json, keyFor, req, testHost } from "../fixtures/hosts.js";

describe("auth", () => {
  let host: Host;
  afterEach(async () => {
    await host?.close();
  });

  it("should answer 401 with WWW-Authenticate when the key is missing", async () => {
    host = await testHost();
    const res = await host.fetch(req("GET", "/holdings"));
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await json(res);
    expect(body.type).toBe("https://valhalla.dev/problems/unauthorized");
    expect(body.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="valhalla"');
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("should answer 401 invalid_token for unknown, malformed and tampered keys", async () => {
    host = await testHost();
    const good = await keyFor(host, "holdings:read");
    for (const bad of [
      "nope",
      "vk_key_x_abc",
      `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`,
      "Basic Zm9v",
    ]) {
      const res = await host.fetch(
        req("GET", "/holdings", {
          headers: { authorization: bad.startsWith("Basic") ? bad : `Bearer ${bad}` },
        }),
      );
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
  });

  it("should answer 403 naming the scope a key lacks", async () => {
    host = await testHost();
    const reader = await keyFor(host, "holdings:read");
    const res = await host.fetch(req("POST", "/holdings", { key: reader, body: { name: "x" } }));
    expect(res.status).toBe(403);
    const body = await json(res);
    expect(body.type).toBe("https://valhalla.dev/problems/forbidden");
    expect(body.required_scope).toBe("holdings:write");
    expect(body.detail).toContain("'holdings:write'");
    expect(res.headers.get("www-authenticate")).toContain('scope="holdings:write"');
  });

  it("should let write imply read, and keep scopes per pack", async () => {
    host = await testHost();
    const writer = await keyFor(host, "testboard:write");
    expect((await host.fetch(req("GET", "/testboard/items", { key: writer }))).status).toBe(200);
    expect(
      (await host.fetch(req("POST", "/testboard/items", { key: writer, body: { name: "a" } }))).status,
    ).toBe(201);
    expect((await host.fetch(req("GET", "/holdings", { key: writer }))).status).toBe(403);
  });

  it("should let admin keys reach pack and host routes", async () => {
    host = await testHost();
    const admin = await keyFor(host, "admin");
    expect((await host.fetch(req("GET", "/holdings", { key: admin }))).status).toBe(200);
    expect((await host.fetch(req("GET", "/registry", { key: admin }))).status).toBe(200);
    expect((await host.fetch(req("GET", "/registry/validate", { key: admin }))).status).toBe(200);
  });

  it("should keep health, openapi and docs public and host routes admin-only", async () => {
    host = await testHost();
    for (const path of ["/healthz", "/readyz", "/openapi.json", "/docs", "/testboard/public"])
      expect((await host.fetch(req("GET", path))).status).toBe(200);
    const reader = await keyFor(host, "holdings:read");
    expect((await host.fetch(req("GET", "/registry"))).status).toBe(401);
    const res = await host.fetch(req("GET", "/registry", { key: reader }));
    expect(res.status).toBe(403);
    expect((await json(res)).required_scope).toBe("admin");
    expect((await host.fetch(req("GET", "/jobs", { key: reader }))).status).toBe(403);
    expect((await host.fetch(req("GET", "/audit"))).status).toBe(401);
  });

  it("should refuse a revoked key", async () => {
    host = await testHost();
    const keys = apiKeyStore(host.registry.driver);
    const { key, secret } = await keys.create({ name: "temp", scopes: "admin" });
    expect((await host.fetch(req("GET", "/holdings", { key: secret }))).status).toBe(200);
    await keys.revoke(key.id);
    expect((await host.fetch(req("GET", "/holdings", { key: secret }))).status).toBe(401);
  });

  it("should accept the configured admin key and reject a short one", async () => {
    const adminKey = "a-very-long-admin-secret-0123456789abcdef";
    host = await testHost({ auth: { adminKey } });
    expect((await host.fetch(req("GET", "/registry", { key: adminKey }))).status).toBe(200);
    expect((await host.fetch(req("GET", "/registry", { key: `${adminKey}x` }))).status).toBe(401);
    await expect(testHost({ auth: { adminKey: "short" } })).rejects.toThrow(/at least 32 characters/);
  });

  it("should open every route and warn at start when auth is disabled", async () => {
    const warnings: string[] = [];
    const log: Logger = { info() {}, error() {}, warn: (m) => warnings.push(m) };
    host = await testHost({ auth: { disabled: true }, log });
    expect(warnings.some((w) => w.includes("authentication is DISABLED"))).toBe(true);
    expect((await host.fetch(req("POST", "/holdings", { body: { name: "x" } }))).status).not.toBe(401);
    expect((await host.fetch(req("GET", "/registry"))).status).toBe(200);
  });

  it("should throttle failed authentications per address before looking the key up", async () => {
    host = await testHost({ auth: { failures: { limit: 20, windowMs: 10_000 } } });
    const admin = await keyFor(host, "admin");
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await host.fetch(req("GET", "/registry", { key: `vk_key_guess${i}_${"x".repeat(43)}` }));
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(180);
    // The source is locked out, whatever it sends; callers without a credential are not affected.
    expect((await host.fetch(req("GET", "/registry", { key: admin }))).status).toBe(429);
    expect((await host.fetch(req("GET", "/healthz"))).status).toBe(200);
  });

  it("should ignore x-actor while auth is on: the key is the actor", async () => {
    host = await testHost();
    const { key, secret } = await apiKeyStore(host.registry.driver).create({
      name: "alice",
      scopes: "wholesale:write",
    });
    const res = await host.fetch(
      req("POST", "/wholesale", {
        key: secret,
        headers: { "x-actor": "mallory" },
        body: { seller_name: "Sam", currency: "USD" },
      }),
    );
    expect(res.status).toBe(201);
    const deal = await json(res);
    const log = await json(await host.fetch(req("GET", `/wholesale/${deal.id}/activities`, { key: secret })));
    expect(log.items[0].actor).toBe(`alice (${key.id})`);
  });
});
