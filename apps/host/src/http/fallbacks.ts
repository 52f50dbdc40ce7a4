import { problemResponse, type RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import { TrieRouter } from "hono/router/trie-router";
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
 * The answer when no route matched: 405 with `Allow` (RFC 9110 §15.5.6) when the path is served
 * for other methods, else the 404 problem. Decided here rather than by catch-all routes per path:
 * those would make every request match two handlers, and Hono calls a lone handler directly.
 * @internal
 */
export function noRoute(routes: readonly RegistryRoute[]): (c: Context) => Response {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    if (r.method === "GET") methods.add("HEAD");
    byPath.set(r.path, methods);
  }
  const served = new TrieRouter<string>();
  for (const [path, methods] of byPath) served.add("ALL", path, [...methods].sort().join(", "));
  return (c) => {
    const allow = served.match(c.req.method, c.req.path)[0][0]?.[0];
    if (allow === undefined) return notFound(c);
    return problemResponse(
      problem(405, "method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, {
        instance: c.req.path,
        request_id: c.get("requestId"),
      }),
      { allow, "x-request-id": c.get("requestId") },
    );
  };
}
