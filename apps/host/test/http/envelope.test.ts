import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { API_SECURITY_HEADERS, DOCUMENT_SECURITY_HEADERS } from "../../src/http/envelope.js";
import { keyFor, testHost } from "../fixtures/hosts.js";

// The envelope writes its headers on the socket's response when served by @hono/node-server, and
// on the Response in-process: these tests go over real HTTP so the Node path is the one checked.
describe("response envelope over HTTP", () => {
  let host: Host;
  afterEach(async () => {
    await host?.close();
  });

  const serve = async (options: Parameters<typeof testHost>[0] = {}) => {
    host = await testHost(options);
    const { port } = await host.listen(0, "127.0.0.1");
    return (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, init);
  };

  it("should send the security headers and a request id on pack routes, host routes and problems", async () => {
    const get = await serve();
    const key = await keyFor(host, "admin");
    const auth = { authorization: `Bearer ${key}` };
    const sent = (
      res: Response,
      set: readonly (readonly [string, string])[],
      own: Record<string, string> = {},
    ) => {
      for (const [name, value] of set)
        expect(res.headers.get(name), `${res.url} ${name}`).toBe(own[name] ?? value);
      expect(res.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
      expect(res.headers.get("x-powered-by")).toBeNull();
    };
    // API answers (JSON, problems) carry the API set, and none of the page-only headers.
    for (const res of [
      await get("/healthz"),
      await get("/testboard/items", { headers: auth }),
      await get("/testboard/items"), // 401 problem
      await get("/nowhere", { headers: auth }), // 404 problem
      await get("/healthz", { method: "DELETE" }), // 405 problem
      await get("/app/nowhere"), // a 404 problem under the board's paths
    ]) {
      sent(res, API_SECURITY_HEADERS);
      expect(res.headers.get("origin-agent-cluster"), res.url).toBeNull();
      expect(res.headers.get("cross-origin-opener-policy"), res.url).toBeNull();
    }
    // Pages carry helmet's set next to their own CSP; a cacheable asset keeps its own Cache-Control.
    for (const path of ["/app/signin", "/docs"]) {
      const page = await get(path);
      expect(page.headers.get("content-type"), path).toMatch(/^text\/html/);
      sent(page, DOCUMENT_SECURITY_HEADERS);
      expect(page.headers.get("content-security-policy"), path).toContain("script-src 'self'");
    }
    sent(await get("/docs/assets/swagger-ui.css"), API_SECURITY_HEADERS, {
      "cache-control": "public, max-age=3600",
    });
    const wrongMethod = await get("/healthz", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, HEAD");
    const problem = await get("/nowhere", { headers: auth });
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
    const body = (await problem.json()) as { request_id: string };
    expect(body.request_id).toBe(problem.headers.get("x-request-id"));
  });

  it("should log one line per request, with the caller's key id and never its secret", async () => {
    const lines: Record<string, unknown>[] = [];
    const capture = (level: string) => (msg: string, f?: Record<string, unknown>) =>
      lines.push({ level, msg, ...f });
    const get = await serve({
      log: { info: capture("info"), warn: capture("warn"), error: capture("error") },
    });
    const key = await keyFor(host, "admin");
    await get("/testboard/items", { headers: { authorization: `Bearer ${key}`, "x-request-id": "req-1" } });
    await get("/app/nowhere", { headers: { "x-request-id": "req-2" } });
    await get("/healthz", { headers: { "x-request-id": "req-3" } }); // probes stay quiet
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.map((l) => [l.request_id, l.method, l.path, l.status])).toEqual([
      ["req-1", "GET", "/testboard/items", 200],
      ["req-2", "GET", "/app/nowhere", 404],
    ]);
    expect(requests[0]!.key_id).toMatch(/^key_/);
    expect(JSON.stringify(lines)).not.toContain(key);
  });

  it("should echo a plain client request id and replace a hostile one", async () => {
    const get = await serve();
    const mine = await get("/healthz", { headers: { "x-request-id": "trace-42_a=b" } });
    expect(mine.headers.get("x-request-id")).toBe("trace-42_a=b");
    const hostile = await get("/healthz", { headers: { "x-request-id": "a b<script>" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const long = await get("/healthz", { headers: { "x-request-id": "x".repeat(256) } });
    expect(long.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("should count down the rate-limit headers and answer 429 with Retry-After past the limit", async () => {
    const get = await serve({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const key = await keyFor(host, "admin");
    const auth = { authorization: `Bearer ${key}` };
    const first = await get("/testboard/items", { headers: auth });
    const second = await get("/testboard/items", { headers: auth });
    const third = await get("/testboard/items", { headers: auth });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    expect(second.headers.get("ratelimit-remaining")).toBe("0");
    expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(third.headers.get("content-type")).toBe("application/problem+json");
    expect(third.headers.get("x-frame-options")).toBe("DENY");
  });

  it("should send the rate-limit figures with a handler's own response and in-process", async () => {
    const get = await serve({ rateLimit: { limit: 5, windowMs: 60_000 } });
    const key = await keyFor(host, "admin");
    const auth = { authorization: `Bearer ${key}` };
    // A CSV download is the handler's own Response: its headers are set one by one on the socket.
    const csv = await get("/holdings/history?format=csv", { headers: auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("ratelimit-limit")).toBe("5");
    expect(csv.headers.get("ratelimit-remaining")).toBe("4");
    expect(csv.headers.get("ratelimit-reset")).toMatch(/^\d+$/);
    const inProcess = await host.fetch(
      new Request("http://host.test/holdings/history?format=csv", { headers: auth }),
    );
    expect(inProcess.headers.get("ratelimit-remaining")).toBe("3");
    expect(inProcess.headers.get("ratelimit-limit")).toBe("5");
  });
});
