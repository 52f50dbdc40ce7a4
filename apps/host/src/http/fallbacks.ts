import { problemResponse, type RegistryRoute } from "@valhalla/runtime";
import type { Context, Hono } from "hono";
import { problem } from "./problems.js";

/** 404 problem for a path no route serves. @internal */
export function notFound(c: Context): Response {
  const path = c.req.path;
  return problemResponse(
    problem(404, "not-found", `No route ${c.req.method} ${path.slice(0, 200)}`, {
      instance: path.slice(0, 200),
      request_id: c.get("requestId"),
    }),
    { "x-request-id": c.get("requestId") },
  );
}

/**
 * After every route: a path served for other methods answers 405 with `Allow` (RFC 9110 §15.5.6)
 * instead of a misleading 404. Registered last, so a real route always matches first.
 * @internal
 */
export function methodNotAllowed(app: Hono, routes: readonly RegistryRoute[]): void {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    if (r.method === "GET") methods.add("HEAD");
    byPath.set(r.path, methods);
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods].sort().join(", ");
    app.all(path, (c) =>
      problemResponse(
        problem(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, {
          instance: c.req.path,
          request_id: c.get("requestId"),
        }),
        { allow, "x-request-id": c.get("requestId") },
      ),
    );
  }
}
