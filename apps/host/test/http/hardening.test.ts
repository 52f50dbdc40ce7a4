import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { json, keyFor, req, testHost } from "../fixtures/hosts.js";

describe("hardening", () => {
  let host: Host;
  afterEach(async () => {
    await host?.close();
  });

  it("should answer 413 problem for a body over the limit with Content-Length", async () => {
    host = await testHost({ bodyLimitBytes: 1024 });
    const key = await keyFor(host, "admin");
    const res = await host.fetch(req("POST", "/testboard/items", { key, body: { name: "x".repeat(2000) } }));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(res)).type).toBe("https://valhalla.dev/problems/body-too-large");
  });

  it("should answer 413 for a chunked body over the limit without Content-Length", async () => {
    host = await testHost({ bodyLimitBytes: 1024 });
    const key = await keyFor(host, "admin");
    const chunk = new TextEncoder().encode(`{"name":"${"y".repeat(600)}`);
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        ctrl.enqueue(chunk);
        ctrl.enqueue(chunk);
        ctrl.enqueue(new TextEncoder().encode('"}'));
        ctrl.close();
      },
    });
    const request = new Request("http://valhalla.test/testboard/items", {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();
    const res = await host.fetch(request);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("should answer 400 json-too-deep past 32 levels and accept 32", async () => {
    host = await testHost();
    const key = await keyFor(host, "admin");
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const res = await host.fetch(req("POST", "/testboard/items", { key, body: `{"name":${deep(33)}}` }));
    expect(res.status).toBe(400);
    expect((await json(res)).type).toBe("https://valhalla.dev/problems/json-too-deep");
    const ok = await host.fetch(req("POST", "/testboard/items", { key, body: `{"name":${deep(31)}}` }));
    expect(ok.status).toBe(400);
    expect((await json(ok)).type).toBe("https://valhalla.dev/problems/validation-failed");
  });

  it("should answer 415 for a JSON route sent another content type", async () => {
    host = await testHost();
    const key = await keyFor(host, "admin");
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await host.fetch(
        req("POST", "/testboard/items", { key, body: '{"name":"a"}', headers: { "content-type": type } }),
      );
      expect(res.status).toBe(415);
      expect((await json(res)).type).toBe("https://valhalla.dev/problems/unsupported-media-type");
    }
  });

  it("should set the API security headers on JSON and helmet's page headers on pages, and no X-Powered-By", async () => {
    host = await testHost();
    const res = await host.fetch(req("GET", "/healthz"));
    expect(res.status).toBe(200);
    const h = Object.fromEntries(res.headers);
    expect(h).toMatchObject({
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "cross-origin-resource-policy": "same-origin",
      "strict-transport-security": "max-age=15552000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    });
    expect(h["x-xss-protection"]).toBeUndefined();
    expect(h["x-powered-by"]).toBeUndefined();
    expect(h["x-request-id"]).toMatch(/^[\w-]+$/);
    const page = Object.fromEntries((await host.fetch(req("GET", "/app/signin"))).headers);
    expect(page).toMatchObject({
      "cross-origin-resource-policy": "same-origin",
      "cross-origin-opener-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "referrer-policy": "no-referrer",
      "strict-transport-security": "max-age=15552000; includeSubDomains",
      "x-content-type-options": "nosniff",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-frame-options": "SAMEORIGIN",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
    });
    expect(page["x-powered-by"]).toBeUndefined();
  });

  it("should send no CORS headers by default and allow only configured origins", async () => {
    host = await testHost();
    const plain = await host.fetch(req("GET", "/healthz", { headers: { origin: "https://evil.example" } }));
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    await host.close();
    host = await testHost({ cors: { origins: ["https://app.example"] } });
    const pre = await host.fetch(
      req("OPTIONS", "/holdings", {
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      }),
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(pre.headers.get("access-control-allow-headers")).toContain("Idempotency-Key");
    const other = await host.fetch(req("GET", "/healthz", { headers: { origin: "https://evil.example" } }));
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should keep storage keys out of storage errors", async () => {
    host = await testHost();
    const key = await keyFor(host, "admin");
    const res = await host.fetch(req("GET", "/testboard/items?by=name", { key }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).type).toBe("https://valhalla.dev/problems/invalid-value");
    expect(text).not.toContain("testboard.items");
  });

  it("should keep stack traces and paths out of a 500 and log it with the request id", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = {
      info() {},
      warn() {},
      error: (_m: string, f?: Record<string, unknown>) => lines.push(f ?? {}),
    };
    host = await testHost({
      log,
      guard: () => {
        throw new Error("boom at /secret/path/file.ts:12");
      },
    });
    const key = await keyFor(host, "admin");
    const res = await host.fetch(req("GET", "/testboard/items", { key }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/boom|secret|\.ts|at /);
    const id = res.headers.get("x-request-id");
    expect(JSON.parse(text).request_id).toBe(id);
    expect(lines.some((l) => l.request_id === id)).toBe(true);
  });
});
