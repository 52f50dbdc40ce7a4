import { definePack, route } from "@valhalla/runtime";
import * as v from "valibot";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Host } from "../../src/create-host.js";
import { STAGE_ORDER } from "../../src/pipeline/stage.js";
import { call, testHost } from "../helpers.js";

// Declared static-last on purpose: the runtime orders routes, so `/things/latest` still wins.
const things = definePack({
  code: "things",
  version: "1.0.0",
  description: "Pipeline fixture",
  routes: [
    route({
      method: "GET",
      path: "/:id",
      summary: "One thing",
      scope: "read",
      params: v.object({ id: v.string() }),
      handler: ({ params }) => ({ id: params.id }),
    }),
    route({
      method: "GET",
      path: "/latest",
      summary: "The latest thing",
      scope: "read",
      handler: () => ({ id: "latest-route" }),
    }),
    route({
      method: "GET",
      path: "/zone/now",
      summary: "Reads its pack context",
      scope: "read",
      handler: async ({ ctx }) => ({ timezone: ctx.timezone }),
    }),
    route({
      method: "GET",
      path: "/search/optional",
      summary: "A query of optional fields",
      scope: "read",
      query: v.strictObject({ q: v.optional(v.string()) }),
      handler: ({ query }) => ({ query }),
    }),
    route({
      method: "GET",
      path: "/search/required",
      summary: "A query with a required field",
      scope: "read",
      query: v.strictObject({ q: v.string() }),
      handler: ({ query }) => ({ query }),
    }),
    route({
      method: "POST",
      path: "/",
      summary: "Make a thing",
      scope: "write",
      body: v.strictObject({ name: v.string() }),
      handler: ({ body, principal }) => ({ name: body.name, by: principal }),
    }),
  ],
});

describe("request pipeline", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should serve a static segment before a parameter whatever the declaration order", async () => {
    host = await testHost({ packs: [things] });
    expect(await (await call(host, "GET", "/things/latest")).json()).toEqual({ id: "latest-route" });
    expect(await (await call(host, "GET", "/things/t1")).json()).toEqual({ id: "t1" });
  });

  it("should bind a pack context only for handlers that read it", async () => {
    host = await testHost({ packs: [things] });
    const bind = vi.spyOn(host.registry, "context");
    expect((await call(host, "GET", "/things/latest")).status).toBe(200);
    expect((await call(host, "GET", "/healthz")).status).toBe(200);
    expect(bind).not.toHaveBeenCalled();
    expect(await (await call(host, "GET", "/things/zone/now")).json()).toEqual({ timezone: "UTC" });
    expect(bind).toHaveBeenCalledTimes(1);
    expect(bind.mock.calls[0]![0]).toBe("things");
  });

  it("should list the host's own routes in the registry beside the packs'", async () => {
    host = await testHost({ packs: [things] });
    const hostPaths = host.registry.routes
      .filter((r) => r.pack === "host")
      .map((r) => `${r.method} ${r.path}`);
    expect(hostPaths).toEqual(
      expect.arrayContaining([
        "GET /healthz",
        "GET /readyz",
        "GET /registry/validate",
        "GET /openapi.json",
        "POST /jobs/:pack/:name/run",
        "POST /share_tokens",
        "DELETE /share_tokens/:id",
        "POST /approvals/:id/approve",
        "GET /audit",
      ]),
    );
  });

  it("should answer 405 with Allow for a method a path does not serve", async () => {
    host = await testHost({ packs: [things] });
    const res = await call(host, "DELETE", "/things/latest");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { type: string }).type).toBe(
      "https://valhalla.dev/problems/method-not-allowed",
    );
    expect((await call(host, "PATCH", "/healthz")).status).toBe(405);
  });

  it("should refuse a __proto__ or constructor key like any unknown field", async () => {
    host = await testHost({ packs: [things] });
    for (const key of ["__proto__", "constructor"]) {
      const res = await call(host, "POST", "/things", `{"name":"a","${key}":{"admin":true}}`);
      expect(res.status, key).toBe(400);
      const body = (await res.json()) as { errors: unknown[] };
      expect(body.errors[0]).toEqual({
        pointer: `/body/${key}`,
        field: key,
        message: "is not a known field",
      });
    }
    // Spelled with escapes, the key is the same key once parsed.
    const escaped = await call(
      host,
      "POST",
      "/things",
      '{"name":"a","\\u005f\\u005fproto__":{"admin":true}}',
    );
    expect(escaped.status).toBe(400);
    expect(((await escaped.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("__proto__");
  });

  it("should check a query however the request reaches the host, with or without a query string", async () => {
    host = await testHost({ packs: [things] });
    const { port } = await host.listen(0, "127.0.0.1");
    const inProcess = (path: string) => call(host, "GET", path);
    const overSocket = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    for (const [how, get] of [
      ["in-process", inProcess],
      ["socket", overSocket],
    ] as const) {
      const answer = async (path: string) => {
        const res = await get(path);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect(await answer("/things/search/optional"), how).toEqual({ status: 200, body: { query: {} } });
      expect(await answer("/things/search/optional?"), how).toEqual({ status: 200, body: { query: {} } });
      expect(await answer("/things/search/optional?q=a"), how).toEqual({
        status: 200,
        body: { query: { q: "a" } },
      });
      const unknown = await answer("/things/search/optional?bogus=1");
      expect(unknown.status, how).toBe(400);
      expect(unknown.body.errors, how).toEqual([
        { pointer: "/query/bogus", field: "bogus", message: "is not a known field" },
      ]);
      // A required field is still asked for when no query string came at all.
      const missing = await answer("/things/search/required");
      expect(missing.status, how).toBe(400);
      expect(missing.body.errors, how).toEqual([{ pointer: "/query/q", field: "q", message: "is required" }]);
    }
  });

  it("should start with a query schema that throws on an empty query, and fail only its requests", async () => {
    const touchy = definePack({
      code: "touchy",
      version: "1.0.0",
      description: "A query transform that throws",
      routes: [
        route({
          method: "GET",
          path: "/",
          summary: "Throws on an empty query",
          scope: "read",
          query: v.pipe(
            v.strictObject({ q: v.optional(v.string()) }),
            v.transform((q) => {
              if (q.q === undefined) throw new Error("no q");
              return q;
            }),
          ),
          handler: ({ query }) => ({ query }),
        }),
      ],
    });
    host = await testHost({ packs: [touchy] });
    expect(await (await call(host, "GET", "/touchy?q=a")).json()).toEqual({ query: { q: "a" } });
    const failed = await call(host, "GET", "/touchy");
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toBe("application/problem+json");
  });

  it("should hand the handler the caller's principal (x-actor labels it only with auth off)", async () => {
    host = await testHost({ packs: [things] });
    const res = await call(host, "POST", "/things", { name: "a" }, { "x-actor": "dana" });
    expect(((await res.json()) as { by: unknown }).by).toEqual({ kind: "anonymous", label: "dana" });
  });

  it("should keep the documented stage order", () => {
    expect(STAGE_ORDER).toEqual([
      "identify",
      "rate-limit",
      "authorize",
      "guard",
      "audit",
      "read-body",
      "idempotency",
      "validate",
      "handle",
    ]);
  });
});
