import type { Hono } from "hono";
import * as v from "valibot";
import { parseQuery } from "./approvals.js";
import type { SystemStore } from "./system-store.js";

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
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, "must be a whole number"),
      v.transform(Number),
      v.number(),
      v.minValue(1),
      v.maxValue(500),
    ),
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(400))),
});

/**
 * `GET /audit?pack=&since=&limit=&cursor=`: entries oldest first, read-only (the log has no
 * update or delete route). `since` filters on the entry time, so pages are filled by scanning on.
 */
export function mountAudit(app: Hono, store: SystemStore): void {
  app.get("/audit", async (c) => {
    const q = parseQuery(AuditQuery, c.req.query());
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
    return c.json({ items, next_cursor: next });
  });
}
