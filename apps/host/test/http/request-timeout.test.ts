import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { boardItems, json, keyFor, req, testHost } from "../fixtures/hosts.js";

describe("request timeout", () => {
  let host: Host;
  afterEach(async () => {
    await host?.close();
  });

  it("should answer 504 within the limit plus 100 ms and not commit the late write", async () => {
    host = await testHost({ timeoutMs: 150 });
    const key = await keyFor(host, "admin");
    const started = performance.now();
    const res = await host.fetch(req("POST", "/testboard/slow?ms=400", { key, body: { name: "late" } }));
    const elapsed = performance.now() - started;
    expect(res.status).toBe(504);
    expect(elapsed).toBeLessThan(250);
    const body = await json(res);
    expect(body.type).toBe("https://valhalla.dev/problems/timeout");
    expect(body.status).toBe(504);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    // Let the handler wake up and try its write.
    await new Promise((r) => setTimeout(r, 450));
    expect(await boardItems(host).count()).toBe(0);
  });

  it("should commit a write that finishes in time", async () => {
    host = await testHost({ timeoutMs: 500 });
    const key = await keyFor(host, "admin");
    const res = await host.fetch(req("POST", "/testboard/slow?ms=20", { key, body: { name: "quick" } }));
    expect(res.status).toBe(201);
    expect(await boardItems(host).count()).toBe(1);
  });
});
