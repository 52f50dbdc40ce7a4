/**
 * Where the scheduler keeps its state: one claim per slot and a bounded run history per job, both
 * written straight through the `Driver` so every backend gives the same guarantees.
 * @module
 */
import { createHash } from "node:crypto";
import type { Driver, Lease, WriteResult } from "../storage/driver.js";

/** Per-slot claims: inserted with `expectRev: 0`, so exactly one replica wins each slot. @public */
export const JOB_SLOTS_NS = "_valhalla.job_slots";
/** Run history: one record per claimed slot or manual run. @public */
export const JOB_RUNS_NS = "_valhalla.job_runs";

/** Terminal outcome of a run. @public */
export type RunOutcome =
  | "success"
  | "failed"
  | "timeout"
  | "interrupted"
  | "skipped-overlap"
  | "skipped-missed";

/** What started a run. @public */
export type RunTrigger = "schedule" | "manual";

/** One entry of a job's run history (snake_case: it is served as-is by `GET /jobs/:pack/:name/runs`). @public */
export interface RunRecord {
  readonly run_id: string;
  /** Deterministic from pack, job and slot; what `ctx.tickId` was. */
  readonly tick_id: string;
  readonly pack: string;
  readonly job: string;
  /** The slot as ISO 8601, or `manual:<run_id>`. */
  readonly slot: string;
  readonly trigger: RunTrigger;
  readonly replica: string;
  /** Store clock, ISO 8601. */
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly duration_ms: number | null;
  /** `null` while the run is in progress. */
  readonly outcome: RunOutcome | null;
  readonly error: string | null;
  /** Fencing number of the run's lease. */
  readonly fence: number | null;
  /**
   * A copy of the lease expiry (store clock), updated after each renewal, so it may lag the real
   * lease. The janitor only uses it to decide when to look: it then takes or checks the real lease.
   */
  readonly lease_expires_at: string | null;
  /**
   * Key of the run's lease in the store (`job:<pack>:<name>`, or per run for `allowOverlap` jobs);
   * the janitor fences it before declaring the run interrupted. Absent in entries written before it.
   */
  readonly lease_key?: string | null;
  /**
   * Guarded writes (creates, updates, removes through `ctx.storage`) that committed under the run's
   * lease, counted by the store in each write's own transaction. Set once the run ends (0 for skipped slots);
   * null while it runs and when the driver cannot count (`Driver.leaseWrites` missing).
   */
  readonly committed_writes?: number | null;
  /** For a manual re-run: the run whose tick id it reused. */
  readonly rerun_of?: string | null;
}

/** A history record as stored, with its revision for compare-and-set. @internal */
export interface StoredRun {
  readonly id: string;
  readonly rev: number;
  readonly run: RunRecord;
}

/**
 * Index key of a job. Hashed so every id and index value stays within the safe id alphabet
 * (`[A-Za-z0-9_-]`) whatever the job is called: drivers build keys from them.
 * @internal
 */
export const jobKey = (pack: string, job: string): string =>
  `j${createHash("sha256").update(`${pack}\n${job}`).digest("hex").slice(0, 16)}`;

/** History ids sort by slot time inside a job, so `order: "desc"` is newest first. @internal */
export const runRecordId = (pack: string, job: string, atMs: number, runId: string): string =>
  `${jobKey(pack, job)}_${String(Math.max(0, Math.floor(atMs))).padStart(15, "0")}_${runId}`;

/** Slot-claim id: one per (pack, job, slot); ISO slots compact to digits so they sort by time. @internal */
export const slotClaimId = (pack: string, job: string, slot: string): string =>
  `${jobKey(pack, job)}_${slot.replace(/[^A-Za-z0-9_]/g, "")}`;

/** Insert or replace a history record at `expectRev`; guarded by the run's lease when given. @internal */
export async function writeRun(
  driver: Driver,
  id: string,
  run: RunRecord,
  expectRev: number,
  guard?: Lease,
): Promise<WriteResult & { rev: number }> {
  const rev = expectRev + 1;
  const res = await driver.write(JOB_RUNS_NS, {
    record: { id, rev, value: JSON.stringify(run) },
    index: { job: jobKey(run.pack, run.job), state: run.outcome === null ? "running" : "done" },
    expectRev,
    // History writes are bookkeeping: fenced, but not counted as the job's own effects.
    ...(guard ? { guard, uncounted: true } : {}),
  });
  return { ...res, rev };
}

/** History of one job, newest first. @internal */
export async function listRuns(
  driver: Driver,
  pack: string,
  job: string,
  limit: number,
): Promise<StoredRun[]> {
  const rows = await driver.list(JOB_RUNS_NS, { where: { job: jobKey(pack, job) }, limit, order: "desc" });
  return rows.map((r) => ({ id: r.id, rev: r.rev, run: JSON.parse(r.value) as RunRecord }));
}

/** Runs still marked in progress, on any replica. @internal */
export async function listRunning(driver: Driver, limit: number): Promise<StoredRun[]> {
  const rows = await driver.list(JOB_RUNS_NS, { where: { state: "running" }, limit, order: "asc" });
  return rows.map((r) => ({ id: r.id, rev: r.rev, run: JSON.parse(r.value) as RunRecord }));
}

/** Delete the oldest finished runs of a job beyond `limit`. @internal */
export async function pruneRuns(driver: Driver, pack: string, job: string, limit: number): Promise<number> {
  const key = jobKey(pack, job);
  const total = await driver.count(JOB_RUNS_NS, { job: key });
  if (total <= limit) return 0;
  const oldest = await driver.list(JOB_RUNS_NS, { where: { job: key }, limit: total - limit, order: "asc" });
  let removed = 0;
  for (const r of oldest) {
    // A run still in progress stays until it ends; the next prune removes it.
    if ((JSON.parse(r.value) as RunRecord).outcome === null) continue;
    const res = await driver.remove(JOB_RUNS_NS, r.id, r.rev);
    if (res.ok && res.removed) removed++;
  }
  return removed;
}
