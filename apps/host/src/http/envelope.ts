import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger, Principal } from "@valhalla/runtime";
import type { Context, MiddlewareHandler } from "hono";
import { hasRequestLine } from "../log.js";
import type { HostMetrics } from "../metrics/host-metrics.js";
import { nodeBindings } from "./node-bindings.js";
import { requestHeader } from "./request-header.js";

/**
 * The headers every response carries, whoever built it: the request id, the security headers and
 * the caller's rate-limit figures, when the rate-limit stage counted the request ({@link setRateLimit}).
 *
 * Written once, after the handler, in one place. On Node (`@hono/node-server`) they go straight to
 * the socket's `ServerResponse` (`setHeader`, merged by `writeHead`), so the handler's response
 * stays on the server's fast path: touching a built response's headers with `c.header()` makes
 * the server materialize a full `Response` and re-read its body, which cost more than a whole GET.
 * In-process (`host.fetch`, other runtimes) they are set on the response itself.
 *
 * The envelope also writes the request's log line, and drains a request body nobody read (an
 * early 401 or 404 to a large upload) so the client reads the answer on a connection that stays
 * usable.
 * @module
 */

/**
 * The security headers of an API answer (JSON, problems, empty replies, assets): the OWASP REST
 * Security Cheat Sheet's set for API responses. `no-store` keeps the investor's figures out of
 * every cache; the CSP and `DENY` forbid framing and any script, should a browser ever show the
 * body as a page. Helmet's document headers (COOP, `Origin-Agent-Cluster`, `Referrer-Policy`,
 * DNS prefetch, IE download and Flash policy, the XSS auditor) act only on a page the browser
 * renders, so an API answer does not pay Node's per-header cost for them.
 */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = Object.entries(apiRecord());

/**
 * The security headers of a page (HTML, XHTML, SVG: the web app, `/docs`): Hono's
 * `secureHeaders()` defaults (helmet's set), with no CSP of their own, as each page brings its own.
 */
export const DOCUMENT_SECURITY_HEADERS: readonly (readonly [string, string])[] = Object.entries({
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
});

/**
 * A fresh header record already holding {@link API_SECURITY_HEADERS}: one object of a fixed shape,
 * where adding them one by one to a small record would grow it once per header per response.
 */
function apiRecord(): Record<string, string> {
  return {
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": "same-origin",
    "strict-transport-security": "max-age=15552000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
}

// Content types a browser renders as a page, where scripts can run.
const DOCUMENT_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml|image\/svg\+xml)\b/i;

/** The security headers for a response of this content type. */
function securityHeadersFor(contentType: string | null): readonly (readonly [string, string])[] {
  return contentType !== null && DOCUMENT_TYPE.test(contentType)
    ? DOCUMENT_SECURITY_HEADERS
    : API_SECURITY_HEADERS;
}

const RATE = "rateLimit";
const RECORD = Symbol("valhalla.headerRecord");
type WithRecord = Response & { [RECORD]?: Record<string, string> };

/**
 * A JSON response built over a plain header record (lower-case names), which @hono/node-server
 * hands to `writeHead` as it is. The record starts with {@link API_SECURITY_HEADERS} and
 * `content-type`, then takes `headers` (the reply's own, any case), which win a clash. The envelope
 * finds the record on the response and adds only the request id and rate-limit figures to it, instead
 * of calling `setHeader` once per header, so Node validates and stores each header once.
 * Only for a response with a body: the server keeps such a response's record by reference.
 * @internal
 */
export function securedJsonResponse(
  json: string,
  status: number,
  headers: Record<string, string> | undefined,
): Response {
  const record = apiRecord();
  record["content-type"] = "application/json";
  if (headers) for (const k in headers) record[k.toLowerCase()] = headers[k]!;
  const res: WithRecord = new Response(json, { status, headers: record });
  res[RECORD] = record;
  return res;
}
/** Bodies larger than this are not drained but the connection is closed after the answer. */
const DRAIN_MAX = 16 * 1024 * 1024;
// hono/request-id's rule: a client's id is reused for correlation when short and plain.
const CLIENT_ID = /^[\w\-=]{1,255}$/;

/** A request's `RateLimit-*` figures (draft-6 header values), sent with whatever answers it. @internal */
export class RateLimitFigures {
  constructor(
    readonly limit: string,
    readonly remaining: string,
    readonly reset: string,
  ) {}
  /** The figures as header pairs, for the paths that set headers one by one. */
  entries(): [string, string][] {
    return [
      ["ratelimit-limit", this.limit],
      ["ratelimit-remaining", this.remaining],
      ["ratelimit-reset", this.reset],
    ];
  }
}

/**
 * Send these rate-limit figures with this request's response. One object per request, written
 * into the header record under fixed names: a generic queue of `[name, value]` pairs cost three
 * pair arrays and six property accesses by computed name (V8's slowest kind) per request.
 * @internal
 */
export function setRateLimit(c: Context, figures: RateLimitFigures): void {
  c.set(RATE, figures);
}

/** The envelope of every response: as app-wide middleware, or wrapped around one route's handler. @internal */
export interface Envelope {
  /** Middleware form, for handlers mounted by others (the board, the docs' assets) and CORS. */
  readonly middleware: MiddlewareHandler;
  /**
   * The same work around a single handler, which then is the only handler of its route: Hono
   * calls a lone handler directly, without composing a middleware chain for the request.
   * `label` is the route's pattern in metrics; `onError` turns a throw into the response.
   */
  wrap(
    handler: (c: Context) => Response | Promise<Response>,
    label: string,
    onError: (err: unknown, c: Context) => Response,
  ): (c: Context) => Promise<Response>;
}

/**
 * Assign the request id (`c.get("requestId")`: the client's `X-Request-Id` when it is 1–255 of
 * `[A-Za-z0-9_=-]`, else a random UUID), write the envelope headers on the way out and log one
 * line per request (method, path cut at 200 characters, status, duration, caller id — never a
 * secret), unless the route asked to stay quiet (health probes).
 * @internal
 */
export function createEnvelope(log: Logger, metrics?: HostMetrics): Envelope {
  const fast = hasRequestLine(log) ? log : undefined;
  const begin = (c: Context): number => {
    const sent = requestHeader(c, "x-request-id");
    c.set("requestId", sent !== undefined && CLIENT_ID.test(sent) ? sent : crypto.randomUUID());
    return performance.now();
  };
  const finish = (c: Context, res: Response, started: number, route: string): void => {
    const id = c.get("requestId");
    const env = nodeBindings(c);
    const outgoing = env?.outgoing;
    const rate = c.get(RATE);
    const record = (res as WithRecord)[RECORD];
    if (record !== undefined && outgoing && !outgoing.headersSent) {
      // Only securedJsonResponse tags a record, so the security headers are in it already. The
      // response's own headers win on a clash, as they do when writeHead merges.
      if (record["x-request-id"] === undefined) record["x-request-id"] = id;
      if (rate !== undefined) {
        if (record["ratelimit-limit"] === undefined) record["ratelimit-limit"] = rate.limit;
        if (record["ratelimit-remaining"] === undefined) record["ratelimit-remaining"] = rate.remaining;
        if (record["ratelimit-reset"] === undefined) record["ratelimit-reset"] = rate.reset;
      }
      drainUnread(env.incoming, outgoing);
    } else if (outgoing && typeof outgoing.setHeader === "function" && !outgoing.headersSent) {
      // writeHead merges these with the response's own headers, which win on a clash.
      for (const [k, v] of securityHeadersFor(res.headers.get("content-type"))) outgoing.setHeader(k, v);
      outgoing.setHeader("x-request-id", id);
      if (rate !== undefined) for (const [k, v] of rate.entries()) outgoing.setHeader(k, v);
      drainUnread(env.incoming, outgoing);
    } else {
      const headers = res.headers;
      for (const [k, v] of securityHeadersFor(headers.get("content-type")))
        if (!headers.has(k)) headers.set(k, v);
      headers.set("x-request-id", id);
      if (rate !== undefined) for (const [k, v] of rate.entries()) headers.set(k, v);
    }
    const status = res.status;
    if (metrics) {
      metrics.recordRequest(c.req.method, route, status, (performance.now() - started) / 1000);
      if (status === 429) metrics.rateLimited.inc();
    }
    if (c.get("quiet") === true) return;
    const p = c.get("principal");
    const line = {
      request_id: id,
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status,
      duration_ms: Math.round(performance.now() - started),
      key_id: p?.kind === "key" ? p.id : undefined,
      share_token_id: p?.kind === "share" ? p.id : undefined,
    };
    if (status >= 500) log.error("request", line);
    else if (fast) fast.request(line);
    else log.info("request", line);
  };
  return {
    middleware: async (c, next) => {
      const started = begin(c);
      await next();
      // routePath is the last handler's pattern; "/*" means no route matched (a 404).
      finish(c, c.res, started, c.req.routePath === "/*" ? "(unmatched)" : c.req.routePath);
    },
    wrap: (handler, label, onError) => async (c) => {
      // Already inside the middleware form (a 404 under a path the middleware covers).
      if (c.get("requestId") !== undefined) return handler(c);
      const started = begin(c);
      let res: Response;
      try {
        res = await handler(c);
      } catch (err) {
        res = onError(err, c);
      }
      finish(c, res, started, label);
      return res;
    },
  };
}

/**
 * A request answered before its body was read (401, 404, 413) would leave the rest of the body in
 * the socket: the client, still writing it, may see a reset instead of the answer. Read it away,
 * or for a huge body announce `Connection: close` so the client knows the socket ends here.
 */
function drainUnread(incoming: IncomingMessage | undefined, outgoing: ServerResponse): void {
  if (!incoming || incoming.readableEnded || incoming.complete) return;
  const declared = Number(incoming.headers["content-length"] ?? 0);
  if (declared > DRAIN_MAX) {
    outgoing.setHeader("connection", "close");
    return;
  }
  incoming.resume();
}

declare module "hono" {
  interface ContextVariableMap {
    /** This request's id, also sent back as `X-Request-Id`. */
    requestId: string;
    /** The caller, once the pipeline identified it (for the log line). */
    principal: Principal | undefined;
    /** Set by routes that are not logged (health probes). */
    quiet: boolean;
    /** The caller's rate-limit figures, set by the rate-limit stage. */
    rateLimit: RateLimitFigures;
  }
}
