import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Host } from "../../src/create-host.js";
import { testHost } from "../fixtures/hosts.js";

// Public route, so the budget is keyed by client address: who that is decides who gets 429.
const hit = (port: number, forwardedFor: string) =>
  fetch(`http://127.0.0.1:${port}/openapi.json`, { headers: { "x-forwarded-for": forwardedFor } }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
  );

describe("trustProxy", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should give each forwarded client its own budget behind a trusted proxy", async () => {
    host = await testHost({
      rateLimit: { limit: 1 },
      trustProxy: ["127.0.0.1"],
      scheduler: { enabled: false },
    });
    const { port } = await host.listen(0, "127.0.0.1");
    expect(await hit(port, "203.0.113.7")).toBe(200);
    expect(await hit(port, "203.0.113.8")).toBe(200);
    expect(await hit(port, "203.0.113.7")).toBe(429);
  });

  it("should ignore X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    host = await testHost({ rateLimit: { limit: 1 }, scheduler: { enabled: false } });
    const { port } = await host.listen(0, "127.0.0.1");
    expect(await hit(port, "203.0.113.7")).toBe(200);
    // A client cannot mint itself a fresh budget by claiming another address.
    expect(await hit(port, "203.0.113.8")).toBe(429);
  });

  it("should read the proxy list from VALHALLA_TRUST_PROXY", () => {
    expect(loadConfig({ VALHALLA_TRUST_PROXY: "10.0.0.2, 10.0.0.3" }, "/nonexistent").trustProxy).toEqual([
      "10.0.0.2",
      "10.0.0.3",
    ]);
  });
});
