import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

/**
 * Paths of the host's own web app; a pack page landing on one collides with the host. `:` marks a
 * parameter, as in routes.
 * @public
 */
export const HOST_PAGES: readonly string[] = [
  "/app",
  "/app/signin",
  "/app/signout",
  "/app/jv",
  "/app/approvals",
  "/app/audit",
  "/app/jobs",
  "/app/assets/:file",
];

const WIDGET_ID = /^[a-z][a-z0-9-]*$/;
// The web app and the docs own these prefixes: a pack with one of these codes would mount its
// routes under them.
const RESERVED_CODES = ["app", "docs"];

/** Join `/app`, a pack code and a page path. @internal */
export function pagePath(code: string, path: string): string {
  return path === "/" ? `/app/${code}` : `/app/${code}${path}`;
}

// `/:id` and `/:dealId` match the same URLs: compare shapes, not names.
const shape = (path: string) => path.replace(/:[^/]+/g, ":").replace(/\/+$/, "") || "/";

/** Page collisions (with the host, within a pack), malformed pages and widgets. @internal */
export function checkPages(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const path of HOST_PAGES) seen.set(shape(path), "host");
  for (const p of packs) {
    if (RESERVED_CODES.includes(p.code))
      issues.push(
        makeIssue("E_PAGE_CONFLICT", p.code, { page: `/${p.code}`, first: "host", second: p.code }),
      );
    for (const pg of p.pages ?? []) {
      const label = pagePath(p.code, String(pg?.path));
      if (
        typeof pg?.path !== "string" ||
        !pg.path.startsWith("/") ||
        typeof pg.title !== "string" ||
        pg.title.trim() === "" ||
        typeof pg.render !== "function"
      ) {
        issues.push(
          makeIssue("E_PAGE_INVALID", p.code, {
            page: label,
            reason: "path, title or render is missing or malformed",
          }),
        );
        continue;
      }
      const key = shape(label);
      const owner = seen.get(key);
      if (owner !== undefined)
        issues.push(makeIssue("E_PAGE_CONFLICT", p.code, { page: label, first: owner, second: p.code }));
      else seen.set(key, p.code);
    }
    const ids = new Set<string>();
    for (const w of p.widgets ?? []) {
      const id = String(w?.id);
      if (!WIDGET_ID.test(id) || ids.has(id) || typeof w?.render !== "function") {
        issues.push(
          makeIssue("E_PAGE_INVALID", p.code, {
            page: `widget ${p.code}/${id}`,
            reason: ids.has(id) ? "the widget id is used twice" : "id or render is missing or malformed",
          }),
        );
      }
      ids.add(id);
    }
  }
  return issues;
}
