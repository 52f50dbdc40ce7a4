import { type Host, silentLogger } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHost, settings } from "../src/host.js";
import { packs } from "../src/packs.js";

const ADMIN = "custom-host-test-admin-secret-0123456789";

describe("custom host", () => {
  let host: Host;
  beforeEach(async () => {
    // An admin secret instead of stored keys: the API is authenticated by default.
    host = await buildHost(
      settings({ VALHALLA_STORAGE: "memory:", VALHALLA_TZ: "Europe/Berlin", VALHALLA_ADMIN_KEY: ADMIN }),
      { log: silentLogger },
    );
  });
  afterEach(() => host.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await host.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: res.status, body: (await res.json()) as any };
  };

  it("should compose inventory, bills and budget into one valid registry", async () => {
    expect(packs.map((p) => p.code)).toEqual(["inventory", "bills", "budget"]);
    const res = await call("GET", "/registry/validate");
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.packs.map((p: { code: string }) => p.code)).toEqual(["inventory", "bills", "budget"]);
  });

  it("should refuse requests without a key", async () => {
    const res = await host.fetch(new Request("http://localhost/inventory"));
    expect(res.status).toBe(401);
  });

  it("should serve both packs' routes and document them in OpenAPI", async () => {
    const item = await call("POST", "/inventory", { name: "Light bulbs", quantity: 1, low_threshold: 2 });
    expect(item.status).toBe(201);
    const bucket = await call("POST", "/budget/buckets", {
      name: "Household",
      type: "essentials",
      monthly_limit: "300.00",
      priority: "A",
    });
    expect(bucket.status).toBe(201);
    const spec = (await call("GET", "/openapi.json")).body;
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/inventory/low", "/bills/upcoming", "/budget/snapshot"]),
    );
  });

  it("should answer bad input to a third-party route with a problem naming the field", async () => {
    const res = await call("POST", "/inventory", { name: "", low_threshold: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain("name");
  });
});
