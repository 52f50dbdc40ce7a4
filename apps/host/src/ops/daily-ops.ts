import { type ActorRef, type AnyPack, type BriefSection, type Registry, todayIn } from "@valhalla/runtime";
import type { AuditLog } from "./audit-log.js";

/** Outcome of one pack's part of a loop (daily work or brief section). */
export type PackOutcome<T> =
  | { readonly pack: string; readonly ok: true; readonly result: T; readonly ms: number }
  | { readonly pack: string; readonly ok: false; readonly error: string; readonly ms: number };

/** Run `fn` per pack that has the hook, in dependency order; a failure is reported, never thrown. */
export async function eachPack<T>(
  registry: Registry,
  has: (p: AnyPack) => boolean,
  fn: (p: AnyPack) => Promise<T>,
): Promise<PackOutcome<T>[]> {
  const out: PackOutcome<T>[] = [];
  for (const p of registry.packs) {
    if (!has(p)) continue;
    const start = performance.now();
    try {
      const result = await fn(p);
      out.push({ pack: p.code, ok: true, result, ms: Math.round(performance.now() - start) });
    } catch (err) {
      out.push({
        pack: p.code,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        ms: Math.round(performance.now() - start),
      });
    }
  }
  return out;
}

/** Run every pack's `daily()` once and audit each; the same hooks a scheduler would run. */
export async function runDailyOps(
  registry: Registry,
  audit: AuditLog,
  actor: ActorRef,
  now: () => Date,
): Promise<{ date: string; ok: boolean; packs: PackOutcome<unknown>[] }> {
  const date = todayIn(registry.timezone, now());
  const packs = await eachPack(
    registry,
    (p) => typeof p.daily === "function",
    async (p) => p.daily!(registry.context(p.code)),
  );
  for (const r of packs) {
    await audit.append({
      actor,
      kind: "daily",
      action: `daily ${r.pack}`,
      pack: r.pack,
      record_id: null,
      outcome: r.ok ? "success" : "failure",
      status: null,
      request_id: null,
      detail: r.ok ? summarize(r.result) : r.error,
    });
  }
  return { date, ok: packs.every((p) => p.ok), packs };
}

// Counts of array fields ("drafted: 2, imported: 1") keep audit entries short but informative.
function summarize(result: unknown): string | null {
  if (!result || typeof result !== "object") return null;
  const parts = Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => Array.isArray(v) || typeof v === "number")
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.length : v}`);
  return parts.length ? parts.join(", ") : null;
}

/** Collect every pack's brief section; a failing or slow section becomes an error entry. */
export async function buildBrief(
  registry: Registry,
  timeoutMs = 5_000,
): Promise<PackOutcome<BriefSection>[]> {
  return eachPack(
    registry,
    (p) => typeof p.brief === "function",
    async (p) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          Promise.resolve(p.brief!(registry.context(p.code))),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`brief timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  );
}
