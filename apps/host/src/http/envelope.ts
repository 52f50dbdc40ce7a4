import type { ServerResponse } from "node:http";
import type { Context, MiddlewareHandler } from "hono";

/**
 * The headers every response carries, whoever built it: the request id, the security headers and
 * whatever other middleware queued with {@link addResponseHeader} (rate-limit figures).
 *
 * Written once, after the handler, in one place. On Node (`@hono/node-server`) they go straight to
 * the socket's `ServerResponse` (`setHeader`, merged by `writeHead`), so the handler's response
 * stays on the server's fast path: touching a built response's headers with `c.header()` makes
 * the server materialize a full `Response` and re-read its body, which cost more than a whole GET.
 * In-process (`host.fetch`, other runtimes) they are set on the response itself.
 * @module
 */

/**
 * Hono's `secureHeaders()` defaults (helmet's set): no CSP, so the offline docs page still runs,
 * and no COEP. Kept as data so the Node path can write them without a `Headers` object.
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["cross-origin-resource-policy", "same-origin"],
  ["cross-origin-opener-policy", "same-origin"],
  ["origin-agent-cluster", "?1"],
  ["referrer-policy", "no-referrer"],
  ["strict-transport-security", "max-age=15552000; includeSubDomains"],
  ["x-content-type-options", "nosniff"],
  ["x-dns-prefetch-control", "off"],
  ["x-download-options", "noopen"],
  ["x-frame-options", "SAMEORIGIN"],
  ["x-permitted-cross-domain-policies", "none"],
  ["x-xss-protection", "0"],
];

const QUEUED = "envelopeHeaders";
// hono/request-id's rule: a client's id is reused for correlation when short and plain.
const CLIENT_ID = /^[\w\-=]{1,255}$/;

/** Queue a header for the response of this request (applied after the handler). @internal */
export function addResponseHeader(c: Context, name: string, value: string): void {
  const queued = c.get(QUEUED as never) as [string, string][] | undefined;
  if (queued) queued.push([name, value]);
  else c.set(QUEUED as never, [[name, value]] as never);
}

/**
 * Assign the request id (`c.get("requestId")`: the client's `X-Request-Id` when it is 1–255 of
 * `[A-Za-z0-9_=-]`, else a random UUID) and write the envelope headers on the way out.
 * @internal
 */
export function envelope(): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header("x-request-id");
    const id = sent !== undefined && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId" as never, id as never);
    await next();
    const queued = c.get(QUEUED as never) as [string, string][] | undefined;
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing && typeof outgoing.setHeader === "function" && !outgoing.headersSent) {
      // writeHead merges these with the response's own headers, which win on a clash.
      for (const [k, v] of SECURITY_HEADERS) outgoing.setHeader(k, v);
      outgoing.setHeader("x-request-id", id);
      if (queued) for (const [k, v] of queued) outgoing.setHeader(k, v);
      return;
    }
    const headers = c.res.headers;
    for (const [k, v] of SECURITY_HEADERS) if (!headers.has(k)) headers.set(k, v);
    headers.set("x-request-id", id);
    if (queued) for (const [k, v] of queued) headers.set(k, v);
  };
}

declare module "hono" {
  interface ContextVariableMap {
    /** This request's id, also sent back as `X-Request-Id`. */
    requestId: string;
  }
}
