import { queryInt, route } from "@valhalla/runtime";
import * as v from "valibot";
import { AuditEntry, type SystemStore } from "../ops/system-store.js";
import { type HostRoute, pageOf, stored } from "./schemas.js";

const AuditQuery = v.strictObject({
  pack: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,63}$/, "must be a pack code or 'host'"))),
  since: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)),
        "must be an ISO date or date-time",
      ),
    ),
  ),
  limit: v.optional(queryInt(1, 500)),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(400))),
});

const AuditOut = v.object({ ...stored, ...AuditEntry.entries });

/**
 * `GET /audit?pack=&since=&limit=&cursor=`: entries oldest first, read-only (the log has no
 * update or delete route). `since` filters on the entry time, so pages are filled by scanning on.
 * @internal
 */
export function auditRoutes(store: SystemStore): HostRoute[] {
  return [
    route({
      method: "GET",
      path: "/audit",
      summary: "The append-only audit log, oldest first (filters: pack, since)",
      scope: "admin",
      query: AuditQuery,
      response: { status: 200, schema: pageOf(AuditOut) },
      errors: [400, 401, 403],
      handler: async ({ query: q }) => {
        const limit = q.limit ?? 100;
        const since = q.since ? new Date(q.since).toISOString() : undefined;
        const items = [];
        let cursor = q.cursor;
        let next: string | null = null;
        scan: for (;;) {
          const page = await store.audit.list({ where: { pack: q.pack }, cursor, limit: 500, order: "asc" });
          for (const entry of page.items) {
            if (since && entry.at < since) continue;
            items.push(entry);
            if (items.length === limit) {
              const more = page.items[page.items.length - 1]?.id !== entry.id || page.next_cursor !== null;
              next = more ? Buffer.from(entry.id, "utf8").toString("base64url") : null;
              break scan;
            }
          }
          if (!page.next_cursor) break;
          cursor = page.next_cursor;
        }
        return { items, next_cursor: next };
      },
    }),
  ];
}
