import type { AnyPack, JobDef } from "@valhalla/runtime";
import type { Context, MiddlewareHandler } from "hono";
import type { AuditEntry, SystemStore } from "./system-store.js";

/** Append-only audit log over the system store. */
export interface AuditLog {
  append(entry: Omit<AuditEntry, "at"> & { at?: string }): Promise<void>;
}

/** Create the audit log; appending never throws (a lost entry is logged, not a failed request). */
export function createAuditLog(
  store: SystemStore,
  now: () => Date,
  onError: (err: unknown) => void,
): AuditLog {
  return {
    async append(entry) {
      try {
        await store.audit.create({ ...entry, at: entry.at ?? now().toISOString() });
      } catch (err) {
        onError(err);
      }
    },
  };
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Who is calling: whatever auth middleware put in `c.var.actor`, else `anonymous`. */
export function actorOf(c: Context): string {
  const actor = c.get("actor" as never) as unknown;
  return typeof actor === "string" && actor ? actor : "anonymous";
}

/**
 * Record every mutating request after it ran: method and route, the pack owning the path, the
 * record id (from the JSON response's `id`, else the path's last id-like segment) and outcome.
 */
export function auditMiddleware(audit: AuditLog, packCodes: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!MUTATING.has(c.req.method)) return;
    const path = new URL(c.req.url).pathname;
    const first = path.split("/")[1] ?? "";
    const status = c.res.status;
    await audit.append({
      actor: actorOf(c),
      kind: "request",
      action: `${c.req.method} ${c.req.routePath && c.req.routePath !== "/*" ? c.req.routePath : path}`,
      pack: packCodes.has(first) ? first : "host",
      record_id: await recordIdOf(c, path),
      outcome: status < 400 ? "success" : "failure",
      status,
      request_id: (c.get("requestId" as never) as string | undefined) ?? null,
      detail: status === 202 ? "accepted: pending approval" : null,
    });
  };
}

const RECORD_ID = "auditRecordId";

/** Tell the audit log which record a response is about, so it need not re-read the body. @internal */
export function setAuditRecordId(c: Context, id: string): void {
  c.set(RECORD_ID as never, id as never);
}

async function recordIdOf(c: Context, path: string): Promise<string | null> {
  const known = c.get(RECORD_ID as never) as string | undefined;
  if (known !== undefined) return known;
  // Cloning makes the server build a full Response and tee its body: only for host routes.
  if ((c.res.headers.get("content-type") ?? "").includes("json")) {
    try {
      const body = (await c.res.clone().json()) as Record<string, unknown> | null;
      for (const v of [body?.id, (body?.run as { id?: unknown })?.id, body?.approval_id]) {
        if (typeof v === "string") return v;
      }
    } catch {
      // Not an object body: fall back to the path.
    }
  }
  const ids = path.split("/").filter((s) => /^[a-z]+_[A-Za-z0-9_-]+$/.test(s));
  return ids[ids.length - 1] ?? null;
}

/**
 * Wrap every pack job so each run, whoever schedules it, appends an audit entry. Copies the
 * pack objects; their declarations are unchanged otherwise.
 */
export function withJobAudit(packs: readonly AnyPack[], audit: AuditLog): AnyPack[] {
  return packs.map((p) => {
    if (!p.jobs?.length) return p;
    const jobs = p.jobs.map(
      (job: JobDef): JobDef => ({
        ...job,
        run: async (ctx) => {
          const base = {
            actor: "scheduler",
            kind: "job" as const,
            action: `job ${p.code}/${job.name}`,
            pack: p.code,
          };
          try {
            const out = await job.run(ctx);
            await audit.append({
              ...base,
              record_id: ctx.tickId ?? null,
              outcome: "success",
              status: null,
              request_id: null,
              detail: null,
            });
            return out;
          } catch (err) {
            await audit.append({
              ...base,
              record_id: ctx.tickId ?? null,
              outcome: "failure",
              status: null,
              request_id: null,
              detail: err instanceof Error ? err.message : String(err),
            });
            throw err;
          }
        },
      }),
    );
    return Object.freeze({ ...p, jobs }) as AnyPack;
  });
}
