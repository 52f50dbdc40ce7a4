import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { testHost } from "../helpers.js";

/** Send a raw GET and read status, headers and body (fetch refuses what we want to send). */
function rawGet(
  port: number,
  path: string,
): Promise<{ status: number; type: string; body: string; id: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"]),
          body,
          id: String(res.headers["x-request-id"]),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("requests Node refuses before routing", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should answer a URL past the header limit with a 431 problem and a request id", async () => {
    host = await testHost({ scheduler: { enabled: false } });
    const { port } = await host.listen(0, "127.0.0.1");
    const res = await rawGet(port, `/holdings?q=${"x".repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.type).toBe("application/problem+json");
    const body = JSON.parse(res.body) as { type: string; status: number; request_id: string };
    expect(body.type).toBe("https://valhalla.dev/problems/headers-too-large");
    expect(body.status).toBe(431);
    expect(body.request_id).toBe(res.id);
  });

  it("should let a client read an early 404 or 401 to a 5 MB body it is still sending, every time", async () => {
    host = await testHost({ scheduler: { enabled: false }, auth: {} });
    const { port } = await host.listen(0, "127.0.0.1");
    const big = "x".repeat(5 * 1024 * 1024);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const path of ["/no-such-route", "/holdings"]) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: big,
        });
        seen.push(res.status);
        await res.arrayBuffer();
      }
    }
    expect(seen.filter((s) => s === 404)).toHaveLength(20);
    expect(seen.filter((s) => s === 401)).toHaveLength(20);
  });
});
