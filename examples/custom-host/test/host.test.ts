import { type Host, silentLogger } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHost, settings } from "../src/host.js";
import { packs } from "../src/packs.js";

describe("custom host", () => {
  let host: Host;
  beforeEach(async () => {
    host = await buildHost(settings({ VALHALLA_STORAGE: "memory:", VALHALLA_TZ: "Europe/Berlin" }), {
      log: silentLogger,
    });
  });
  afterEach(() => host.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await host.fetch(
      new Request(`http://localhost${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      }),
    );
    return { status: res.status, body: (await res.json()) as any };
  };

  it("should compose inventory and holdings into one valid registry", async () => {
    expect(packs.map((p) => p.code)).toEqual(["inventory", "holdings"]);
    const res = await call("GET", "/registry/validate");
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.packs.map((p: { code: string }) => p.code)).toEqual(["inventory", "holdings"]);
  });

  it("should serve both packs' routes and document them in OpenAPI", async () => {
    const item = await call("POST", "/inventory", { name: "Light bulbs", quantity: 1, low_threshold: 2 });
    expect(item.status).toBe(201);
    const asset = await call("POST", "/holdings", { type: "cash", label: "Emergency fund", currency: "USD" });
    expect(asset.status).toBe(201);
    const spec = (await call("GET", "/openapi.json")).body;
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/inventory/low", "/holdings/summary"]));
  });

  it("should answer bad input to a third-party route with a problem naming the field", async () => {
    const res = await call("POST", "/inventory", { name: "", low_threshold: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain("name");
  });
});
