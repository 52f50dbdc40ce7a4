import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const SCOPES = new Set(["read", "write", "admin", "public"]);

/** A route as mounted on the host. @public */
export interface MountedRoute {
  readonly pack: string;
  readonly method: string;
  /** Full path, `/holdings/:id`. */
  readonly path: string;
}

/** Routes the host itself owns; a pack whose code lands on them collides. @internal */
export const HOST_ROUTES: readonly MountedRoute[] = [
  ["GET", "/healthz"],
  ["GET", "/readyz"],
  ["GET", "/registry"],
  ["GET", "/registry/validate"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
  ["GET", "/jobs"],
  ["GET", "/jobs/:pack/:name/runs"],
  ["POST", "/jobs/:pack/:name/run"],
  ["GET", "/brief"],
  ["POST", "/ops/daily"],
  ["GET", "/readiness"],
  ["GET", "/audit"],
  ["GET", "/system/config"],
  ["PUT", "/system/config"],
  ["GET", "/approvals"],
  ["POST", "/approvals/:id/approve"],
  ["POST", "/approvals/:id/reject"],
  ["POST", "/boot/seed_minimum"],
  ["POST", "/share_tokens"],
  ["GET", "/share_tokens"],
  ["DELETE", "/share_tokens/:id"],
].map(([method, path]) => ({ pack: "host", method: method!, path: path! }));

/** Join a pack prefix and a route path. @internal */
export function mountPath(code: string, path: string): string {
  return path === "/" ? `/${code}` : `/${code}${path}`;
}

// `/:id` and `/:dealId` match the same requests: compare shapes, not names.
const shape = (path: string) => path.replace(/:[^/]+/g, ":").replace(/\/+$/, "") || "/";

/** Route collisions (across packs, with the host, within a pack), missing scopes, bad routes. @internal */
export function checkRoutes(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const r of HOST_ROUTES) seen.set(`${r.method} ${shape(r.path)}`, "host");
  for (const p of packs) {
    for (const r of p.routes ?? []) {
      const label = `${String(r?.method)} ${mountPath(p.code, String(r?.path))}`;
      if (
        !METHODS.has(r?.method) ||
        typeof r?.path !== "string" ||
        !r.path.startsWith("/") ||
        typeof r?.handler !== "function"
      ) {
        issues.push(
          makeIssue("E_ROUTE_INVALID", p.code, {
            route: label,
            reason: "method, path or handler is missing or malformed",
          }),
        );
        continue;
      }
      if (!SCOPES.has(r.scope)) issues.push(makeIssue("E_ROUTE_NO_SCOPE", p.code, { route: label }));
      const key = `${r.method} ${shape(mountPath(p.code, r.path))}`;
      const owner = seen.get(key);
      if (owner !== undefined)
        issues.push(makeIssue("E_ROUTE_CONFLICT", p.code, { route: label, first: owner, second: p.code }));
      else seen.set(key, p.code);
    }
  }
  return issues;
}
