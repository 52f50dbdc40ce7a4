import type { Logger } from "@valhalla/runtime";
import type { MiddlewareHandler } from "hono";
import { getPrincipal } from "../security/principal.js";

/**
 * One structured line per request: request id, method, path, status, duration and caller id
 * (never a secret). Paths are cut at 200 characters so hostile URLs cannot flood the log.
 * @internal
 */
export function requestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const p = getPrincipal(c);
    const status = c.res.status;
    const fields = {
      request_id: c.get("requestId" as never) as string,
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status,
      duration_ms: Math.round(performance.now() - started),
      ...(p?.kind === "key" ? { key_id: p.id } : p?.kind === "share" ? { share_token_id: p.id } : {}),
    };
    if (status >= 500) log.error("request", fields);
    else log.info("request", fields);
  };
}
