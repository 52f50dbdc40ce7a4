import type { AnyPack } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { inventory } from "../../../../examples/pack-inventory/src/index.js";
import { createHost, type Host } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { installedPacks } from "../../src/packs.js";
import { call } from "../helpers.js";

type Operation = {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** Every installed pack plus the example third-party pack, over memory storage, auth off. */
function fullHost(): Promise<Host> {
  const packs: AnyPack[] = [...installedPacks, inventory];
  return createHost({ packs, storage: "memory:", log: silentLogger, auth: { disabled: true } });
}

/** The ops board's pages and the docs page's static assets: not API operations. */
const isWebApp = (path: string) =>
  path === "/app" || path.startsWith("/app/") || path.startsWith("/docs/assets/");

/** `/x/:id` (Hono, optionally with a `{regex}`) → `/x/{id}` (OpenAPI). */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

/** What is missing for one operation, or nothing when it is completely documented. */
function gapsOf(op: Operation | undefined): string[] {
  if (!op) return ["not in /openapi.json"];
  const gaps: string[] = [];
  const responses = Object.entries(op.responses ?? {});
  const ok = responses.filter(([status]) => /^2\d\d$/.test(status));
  if (ok.length === 0) gaps.push("no success response");
  for (const [status, res] of ok) {
    // 204 has no body; every other success response must say what it returns.
    if (status !== "204" && !Object.values(res.content ?? {}).some((c) => c.schema))
      gaps.push(`success ${status} has no schema`);
  }
  const problems = responses.filter(
    ([status, res]) => /^[45]\d\d$/.test(status) && res.content?.["application/problem+json"],
  );
  if (problems.length === 0) gaps.push("no problem responses");
  return gaps;
}

/**
 * `METHOD /path` of every route the router really serves (middleware left out), with its gaps:
 * the document's, and for pack routes also problem statuses missing from the route data (the
 * document always lists 400, so only the route data shows whether they were thought through).
 */
function servedGaps(host: Host, doc: Doc): Map<string, string[]> {
  const packRoutes = new Map(host.registry.routes.map((r) => [`${r.def.method} ${r.path}`, r.def]));
  const out = new Map<string, string[]>();
  for (const r of host.app.routes) {
    // Middleware, the 405 fallbacks (`ALL` on a served path) and the web app's pages (HTML for
    // people, documented in the host README; everything they read or change goes through the API).
    if (r.method === "ALL" || isWebApp(r.path)) continue;
    const key = `${r.method} ${r.path}`;
    if (out.has(key)) continue;
    const gaps = gapsOf(doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()]);
    if (packRoutes.has(key) && !packRoutes.get(key)?.errors) gaps.push("route declares no errors");
    out.set(key, gaps);
  }
  return out;
}

describe("/openapi.json completeness (issue #15: the API reference is complete)", () => {
  it("should document every served route with a success schema and problem responses", async () => {
    const host = await fullHost();
    try {
      const doc = (await (await call(host, "GET", "/openapi.json")).json()) as Doc;
      const served = servedGaps(host, doc);
      expect(served.size).toBeGreaterThan(50);
      // Every pack is served, so its routes were really checked.
      for (const prefix of [
        "/holdings",
        "/wholesale",
        "/dispo",
        "/underwriter",
        "/bills",
        "/budget",
        "/pipeline",
        "/inventory",
      ])
        expect(
          [...served.keys()].some((key) => key.includes(` ${prefix}`)),
          prefix,
        ).toBe(true);

      const incomplete = [...served]
        .filter(([, gaps]) => gaps.length > 0)
        .map(([key, gaps]) => `${key}: ${gaps.join("; ")}`);
      expect(incomplete, "served routes documented incompletely (fix the route data)").toEqual([]);
    } finally {
      await host.close();
    }
  });

  it("should document only operations the router serves", async () => {
    const host = await fullHost();
    try {
      const doc = (await (await call(host, "GET", "/openapi.json")).json()) as Doc;
      const served = new Set(
        host.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${toOpenApiPath(r.path)}`),
      );
      const ghosts = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .map((m) => `${m.toUpperCase()} ${path}`)
          .filter((key) => !served.has(key)),
      );
      expect(ghosts).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it("should find the gaps it is meant to find", () => {
    expect(gapsOf(undefined)).toEqual(["not in /openapi.json"]);
    const problem = { content: { "application/problem+json": { schema: {} } } };
    expect(gapsOf({ responses: { "200": { description: "x" } as never, "404": problem } })).toEqual([
      "success 200 has no schema",
    ]);
    expect(gapsOf({ responses: { "201": { content: { "application/json": { schema: {} } } } } })).toEqual([
      "no problem responses",
    ]);
    expect(gapsOf({ responses: { "204": {}, "404": problem } })).toEqual([]);
    expect(toOpenApiPath("/jobs/:pack/:name{[a-z-]+}/run")).toBe("/jobs/{pack}/{name}/run");
  });
});
