import { type AnyPack, actorRef, type JobDef } from "@valhalla/runtime";
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
        await store.audit.create(Object.assign({}, entry, { at: entry.at ?? now().toISOString() }));
      } catch (err) {
        onError(err);
      }
    },
  };
}

/**
 * Wrap every pack job so each run, whoever schedules it, appends an audit entry. Copies the
 * pack objects; their declarations are unchanged otherwise.
 */
export function withJobAudit(
  packs: readonly AnyPack[],
  audit: AuditLog,
  onOutcome: (pack: string, job: string, outcome: "success" | "failure") => void = () => {},
): AnyPack[] {
  return packs.map((p) => {
    if (!p.jobs?.length) return p;
    const jobs = p.jobs.map(
      (job: JobDef): JobDef => ({
        ...job,
        run: async (ctx) => {
          const base = {
            actor: actorRef(ctx.principal),
            kind: "job" as const,
            action: `job ${p.code}/${job.name}`,
            pack: p.code,
          };
          try {
            const out = await job.run(ctx);
            onOutcome(p.code, job.name, "success");
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
            onOutcome(p.code, job.name, "failure");
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
