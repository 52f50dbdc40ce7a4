import { describe, expect, it } from "vitest";
import { call, testHost } from "../helpers.js";

describe("host routes", () => {
  it("should answer /healthz and /readyz", async () => {
    const host = await testHost();
    expect(await (await call(host, "GET", "/healthz")).json()).toEqual({ status: "ok" });
    const ready = await call(host, "GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", storage: "memory" });
  });

  it("should describe the packs at /registry and validate at /registry/validate", async () => {
    const host = await testHost();
    const reg = (await (await call(host, "GET", "/registry")).json()) as {
      packs: { code: string; routes: unknown[] }[];
    };
    expect(reg.packs.map((p) => p.code)).toContain("holdings");
    expect(reg.packs.find((p) => p.code === "holdings")!.routes.length).toBeGreaterThan(5);
    const val = await call(host, "GET", "/registry/validate");
    expect(val.status).toBe(200);
    expect(await val.json()).toMatchObject({ ok: true });
  });

  it("should document every route of every pack in /openapi.json", async () => {
    const host = await testHost();
    const doc = (await (await call(host, "GET", "/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { summary: string; responses: object }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(host.registry.routes.length).toBeGreaterThan(0);
    for (const r of host.registry.routes) {
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.summary).toBe(r.def.summary);
      expect(Object.keys(op!.responses).length).toBeGreaterThan(0);
    }
    const create = doc.paths["/holdings"]!.post as unknown as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(create.requestBody.content["application/json"]!.schema.required).toEqual([
      "type",
      "label",
      "currency",
    ]);
  });

  it("should serve a docs page with no external assets", async () => {
    const host = await testHost();
    const res = await call(host, "GET", "/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("openapi.json");
    expect(html).not.toMatch(/(src|href)=["']https?:/);
  });

  it("should refuse to start on registry errors, with the whole report", async () => {
    const { packs } = await import("../fixtures/broken-set.js");
    await expect(testHost({ packs })).rejects.toThrowError(
      /Registry validation failed with 2 errors:[\s\S]*E_REQUIRE_MISSING[\s\S]*E_JOB_CRON_INVALID/,
    );
  });

  it("should set security headers and a request id on every response", async () => {
    const host = await testHost();
    const res = await call(host, "GET", "/healthz");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
  });
});
