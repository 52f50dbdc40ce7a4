import type { AnyPack, Issue, RouteDef } from "../../pack/types.js";
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

/** Join a pack prefix and a route path. @internal */
export function mountPath(code: string, path: string): string {
  return path === "/" ? `/${code}` : `/${code}${path}`;
}

// `/:id` and `/:dealId` match the same requests: compare shapes, not names.
const shape = (path: string) => path.replace(/:[^/]+/g, ":").replace(/\/+$/, "") || "/";

/**
 * Order routes so that, segment by segment, a static segment comes before a parameter
 * (`/deals/board` before `/deals/:id`) whatever order the packs declared them in; the router
 * tries routes in this order, so a parameter never shadows a static path. Stable otherwise.
 * @internal
 */
export function orderRoutes<T extends { readonly path: string }>(routes: readonly T[]): T[] {
  const kinds = new Map(
    routes.map((r) => [r, r.path.split("/").map((seg) => (seg.startsWith(":") ? 1 : 0))]),
  );
  return [...routes].sort((a, b) => {
    const ka = kinds.get(a)!;
    const kb = kinds.get(b)!;
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return ka.length - kb.length;
  });
}

/**
 * Route collisions (across packs, with the host's own routes, within a pack), missing scopes and
 * malformed routes. `hostRoutes` are the host's declarations at their full paths.
 * @internal
 */
export function checkRoutes(packs: readonly AnyPack[], hostRoutes: readonly RouteDef[] = []): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const r of hostRoutes) seen.set(`${r.method} ${shape(r.path)}`, "host");
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
