import { randomBytes } from "node:crypto";
import { merge } from "../internal/merge.js";
import { jobPrincipal } from "../pack/principal.js";
import type { JobDef, Logger } from "../pack/types.js";
import type { Registry } from "../registry/create-registry.js";
import type { Driver, Lease } from "../storage/driver.js";
import { type SchedulerClock, systemClock, type TimerHandle } from "./clock.js";
import {
  JOB_SLOTS_NS,
  listRunning,
  listRuns,
  pruneRuns,
  type RunOutcome,
  type RunRecord,
  type RunTrigger,
  runRecordId,
  slotClaimId,
  writeRun,
} from "./history.js";
import {
  claimSlot,
  compileSchedule,
  lastClaimedSlot,
  pruneClaims,
  type Schedule,
  slotIso,
  slotsBetween,
  tickIdFor,
} from "./slots.js";

/** Options of `createScheduler`. @public */
export interface SchedulerOptions {
  /** The validated registry whose packs declare the jobs. */
  readonly registry: Registry;
  /** Store for claims, leases and history. @default registry.driver */
  readonly driver?: Driver;
  /** Names this replica in history and logs. */
  readonly replicaId: string;
  /** Local clock and timers; tests pass `manualClock()`. @default systemClock */
  readonly clock?: SchedulerClock;
  readonly log: Logger;
  /** Lease TTL of a run; heartbeat every TTL/5, janitor every TTL/10. @default 30000 */
  readonly leaseTtlMs?: number;
  /** How often the janitor looks for runs whose lease expired. @default leaseTtlMs / 10 */
  readonly janitorIntervalMs?: number;
  /** History entries kept per job (oldest deleted first). @default 100 */
  readonly historyLimit?: number;
  /**
   * A slot this close to start-up is not "missed": it is claimed and run normally, because the
   * replicas that are up are about to claim it. @default 1000
   */
  readonly missedGraceMs?: number;
}

/** One job as listed by `GET /jobs`. @public */
export interface JobInfo {
  readonly pack: string;
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly description: string | null;
  readonly allow_overlap: boolean;
  readonly missed: "skip" | "catch-up-once";
  readonly timeout_ms: number;
  /** Next slot (ISO 8601) on this replica's clock, or null when the pattern has no more. */
  readonly next_run: string | null;
  readonly last_run: RunRecord | null;
}

/** Options of a manual trigger. @public */
export interface TriggerOptions {
  /**
   * Re-run an earlier run of the same job (typically one recorded `interrupted`) under its tick id,
   * so effects keyed by `ctx.tickId` stay idempotent. Must be in the job's kept history, else the
   * trigger fails with `unknown-run`.
   */
  readonly rerun?: string;
}

/** Result of a manual trigger. @public */
export type TriggerResult =
  | { readonly ok: true; readonly runId: string; readonly done: Promise<RunRecord | null> }
  | { readonly ok: false; readonly reason: "unknown-job" | "unknown-run" | "busy" | "stopping" };

/** The running scheduler of one replica. @public */
export interface Scheduler {
  readonly replicaId: string;
  /** Whether timers are armed. */
  readonly started: boolean;
  /** Arm a timer per job, apply the missed-run policy and start the janitor. Idempotent. */
  start(): Promise<void>;
  /**
   * Stop timers, wait up to `deadlineMs` for running jobs, then abort the rest and record them
   * `interrupted`. @default deadlineMs 10000
   */
  stop(deadlineMs?: number): Promise<void>;
  hasJob(pack: string, name: string): boolean;
  jobs(): Promise<JobInfo[]>;
  /** History of one job, newest first; null for an unknown job. */
  runs(pack: string, name: string, limit?: number): Promise<RunRecord[] | null>;
  /**
   * Manual run through the same lease as scheduled ones; `busy` while a run is in progress. With
   * `{ rerun: runId }` it reuses that run's tick id (see `TriggerOptions`).
   */
  trigger(pack: string, name: string, options?: TriggerOptions): Promise<TriggerResult>;
  /**
   * One janitor pass: for each run whose lease looks expired, take (or check) the real lease in the
   * store first, so the run can no longer commit a guarded write, then mark it `interrupted` with its
   * exact `committed_writes`. Returns how many runs it marked.
   */
  sweep(): Promise<number>;
  /** Resolves once no claim, run or history write started by this replica is in flight. */
  idle(): Promise<void>;
}

interface JobEntry {
  readonly pack: string;
  readonly def: JobDef;
  readonly timezone: string;
  readonly schedule: Schedule;
  readonly leaseKey: string;
  timer: TimerHandle | undefined;
  next: number | null;
  claimsPrunedAt: number;
}

interface ActiveRun {
  abort(outcome: RunOutcome, message: string): void;
  readonly done: Promise<RunRecord | null>;
}

const DEFAULT_TIMEOUT_MS = 300_000;
// Node timers overflow past 2^31-1 ms; longer waits re-arm.
const MAX_DELAY_MS = 2_147_483_647;
// A replica waking up far behind records at most this many late slots.
const MAX_LATE_SLOTS = 100;
const CLAIM_RETENTION_MIN_MS = 24 * 3_600_000;
const CLAIM_PRUNE_EVERY_MS = 60_000;

class JobAbortError extends Error {
  override readonly name = "AbortError";
}

/**
 * The scheduler: croner computes each job's slots in its time zone, a timer fires at each slot,
 * and every replica races to claim it through the store — one insert per slot succeeds, so each
 * slot runs once across replicas. The winner takes the job's fenced lease (busy →
 * `skipped-overlap`), runs the job with `ctx.signal` and `ctx.tickId`, renews the lease every
 * TTL/5 and records the outcome with a lease-guarded compare-and-set; a janitor on every replica
 * marks runs whose lease expired as `interrupted`.
 *
 * @example
 * const scheduler = createScheduler({ registry, replicaId: "web-1", log });
 * await scheduler.start();
 * // …
 * await scheduler.stop(10_000);
 * @public
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { registry, replicaId, log } = options;
  const driver = options.driver ?? registry.driver;
  const clock = options.clock ?? systemClock;
  const ttl = options.leaseTtlMs ?? 30_000;
  const historyLimit = Math.max(1, options.historyLimit ?? 100);
  const graceMs = options.missedGraceMs ?? 1000;
  const heartbeatMs = Math.max(10, Math.floor(ttl / 5));
  const janitorMs = Math.max(10, options.janitorIntervalMs ?? Math.floor(ttl / 10));

  const jobs = new Map<string, JobEntry>();
  for (const p of registry.packs) {
    for (const def of p.jobs ?? []) {
      const timezone = def.timezone ?? registry.timezone;
      jobs.set(`${p.code}\n${def.name}`, {
        pack: p.code,
        def,
        timezone,
        schedule: compileSchedule(def.cron, timezone),
        leaseKey: `job:${p.code}:${def.name}`,
        timer: undefined,
        next: null,
        claimsPrunedAt: 0,
      });
    }
  }

  const active = new Set<ActiveRun>();
  const inflight = new Set<Promise<unknown>>();
  let started = false;
  let stopping = false;
  let janitorTimer: TimerHandle | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    const guarded = p.catch((err: unknown) => {
      log.error("scheduler task failed", { error: errorText(err) });
      return undefined as T;
    });
    inflight.add(guarded);
    void guarded.finally(() => inflight.delete(guarded));
    return guarded;
  };

  const fields = (e: JobEntry, extra: Record<string, unknown> = {}) => ({
    job: e.def.name,
    pack: e.pack,
    replica: replicaId,
    ...extra,
  });

  /** Arm the timer of `e` for the first slot after `fromMs`. */
  const arm = (e: JobEntry, fromMs: number) => {
    if (!started || stopping) return;
    e.next = e.schedule.next(fromMs);
    const wake = () => {
      e.timer = undefined;
      if (!started || stopping || e.next === null) return;
      const now = clock.now();
      const delay = e.next - now;
      if (delay > 0) {
        e.timer = clock.setTimeout(wake, Math.min(delay, MAX_DELAY_MS));
        return;
      }
      const slot = e.next;
      // Woken late (paused process, busy loop): slots passed meanwhile are late; the newest
      // one runs, older ones are claimed as missed so each still gets exactly one history entry.
      const latest = e.schedule.previous(now) ?? slot;
      // Walk back from the newest so a long pause costs at most MAX_LATE_SLOTS lookups.
      for (
        let i = 0, late = e.schedule.previous(latest - 1);
        i < MAX_LATE_SLOTS && late !== null && late >= slot;
        i++
      ) {
        track(runScheduled(e, late, "skip", "The replica woke up after the slot had passed"));
        late = e.schedule.previous(late - 1);
      }
      arm(e, latest);
      track(runScheduled(e, latest, "run"));
    };
    wake();
  };

  /** Claim a slot, then run it (or record it as missed). */
  const runScheduled = async (e: JobEntry, slotMs: number, mode: "run" | "skip", reason = "") => {
    const slot = slotIso(slotMs);
    const tickId = tickIdFor(e.pack, e.def.name, slot);
    const runId = `run_${tickId.slice("tick_".length)}`;
    const claimedAt = await driver.now();
    const won = await claimSlot(
      driver,
      {
        pack: e.pack,
        job: e.def.name,
        slot,
        run_id: runId,
        replica: replicaId,
        claimed_at: new Date(claimedAt).toISOString(),
      },
      "schedule",
    );
    if (!won) return;
    const id = runRecordId(e.pack, e.def.name, slotMs, runId);
    const base = { runId, tickId, slot, trigger: "schedule" as const };
    if (mode === "skip") {
      await recordSkip(e, id, base, "skipped-missed", reason, claimedAt);
      return;
    }
    const leaseKey = e.def.allowOverlap ? `${e.leaseKey}#${runId}` : e.leaseKey;
    const lease = await driver.acquire(leaseKey, ttl);
    if (!lease) {
      log.info("job skipped: previous run still in progress", fields(e, { slot, run_id: runId }));
      await recordSkip(
        e,
        id,
        base,
        "skipped-overlap",
        "The previous run still holds the job's lease",
        claimedAt,
      );
      return;
    }
    const run = await startRun(e, id, base, lease);
    if (run) await run.done;
    await maybePruneClaims(e, claimedAt);
  };

  const recordSkip = async (
    e: JobEntry,
    id: string,
    base: { runId: string; tickId: string; slot: string; trigger: RunTrigger },
    outcome: RunOutcome,
    error: string,
    at: number,
  ) => {
    const iso = new Date(at).toISOString();
    await writeRun(
      driver,
      id,
      {
        run_id: base.runId,
        tick_id: base.tickId,
        pack: e.pack,
        job: e.def.name,
        slot: base.slot,
        trigger: base.trigger,
        replica: replicaId,
        started_at: iso,
        ended_at: iso,
        duration_ms: 0,
        outcome,
        error,
        fence: null,
        lease_expires_at: null,
        lease_key: null,
        // Nothing ran, so nothing was written.
        committed_writes: 0,
        rerun_of: null,
      },
      0,
    );
    await pruneRuns(driver, e.pack, e.def.name, historyLimit);
  };

  /**
   * Write the run's history entry under its lease and start the job. Resolves to the promise of
   * its final record, or null when the lease was lost before the entry could be written.
   */
  const startRun = async (
    e: JobEntry,
    id: string,
    base: { runId: string; tickId: string; slot: string; trigger: RunTrigger; rerunOf?: string },
    lease: Lease,
  ): Promise<{ done: Promise<RunRecord | null> } | null> => {
    const startedAt = await driver.now();
    let record: RunRecord = {
      run_id: base.runId,
      tick_id: base.tickId,
      pack: e.pack,
      job: e.def.name,
      slot: base.slot,
      trigger: base.trigger,
      replica: replicaId,
      started_at: new Date(startedAt).toISOString(),
      ended_at: null,
      duration_ms: null,
      outcome: null,
      error: null,
      fence: lease.fence,
      lease_expires_at: new Date(lease.expiresAt).toISOString(),
      lease_key: lease.key,
      committed_writes: null,
      rerun_of: base.rerunOf ?? null,
    };
    const first = await writeRun(driver, id, record, 0, lease);
    if (!first.ok) {
      log.warn("job run not started: its lease or slot was lost", fields(e, { run_id: base.runId }));
      await driver.release(lease).catch(() => false);
      return null;
    }
    let rev = first.rev;
    // History writes of one run go one after the other so each compare-and-set sees the last rev.
    let writes: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const p = writes.then(fn);
      writes = p.catch(() => {});
      return p;
    };

    const ac = new AbortController();
    let abortOutcome = "interrupted" as RunOutcome;
    let abortMessage = "";
    const abort = (outcome: RunOutcome, message: string) => {
      if (ac.signal.aborted) return;
      abortOutcome = outcome;
      abortMessage = message;
      ac.abort(new JobAbortError(message));
    };
    const aborted = new Promise<"aborted">((r) =>
      ac.signal.addEventListener("abort", () => r("aborted"), { once: true }),
    );

    const timeoutMs = e.def.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeoutTimer = clock.setTimeout(
      () => abort("timeout", `Timed out after ${timeoutMs} ms`),
      Math.min(timeoutMs, MAX_DELAY_MS),
    );
    let heartbeatTimer: TimerHandle | undefined;
    let lost = false;
    let finished = false;
    const heartbeat = async () => {
      heartbeatTimer = undefined;
      if (ac.signal.aborted || finished) return;
      const next = await driver.extend(lease, ttl).catch(() => null);
      if (!next) {
        lost = true;
        abort("interrupted", "The run lost its lease");
        return;
      }
      const ok = await serial(async () => {
        if (record.outcome !== null) return true;
        const updated = merge(record, { lease_expires_at: new Date(next.expiresAt).toISOString() });
        const res = await writeRun(driver, id, updated, rev, lease);
        if (res.ok) {
          rev = res.rev;
          record = updated;
        }
        return res.ok;
      }).catch(() => false);
      if (!ok) {
        lost = true;
        abort("interrupted", "The run's history entry was taken over (lease expired)");
        return;
      }
      if (!ac.signal.aborted && !finished)
        heartbeatTimer = clock.setTimeout(() => void heartbeat(), heartbeatMs);
    };
    heartbeatTimer = clock.setTimeout(() => void heartbeat(), heartbeatMs);

    log.info("job started", fields(e, { run_id: base.runId, slot: base.slot, fence: lease.fence }));
    const ctx = {
      ...registry.context(e.pack, { signal: ac.signal, guard: lease }),
      signal: ac.signal,
      tickId: base.tickId,
      fence: lease.fence,
      principal: jobPrincipal(e.pack, e.def.name, base.tickId),
    };
    const job = (async () => e.def.run(ctx))();
    // The job may keep running after an abort it ignores; its writes are fenced from then on.
    job.catch(() => {});

    const done = (async (): Promise<RunRecord | null> => {
      const result = await Promise.race([
        job.then(
          () => ({ ok: true as const }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
        aborted,
      ]);
      finished = true;
      clock.clearTimeout(timeoutTimer);
      if (heartbeatTimer !== undefined) clock.clearTimeout(heartbeatTimer);
      let outcome: RunOutcome;
      let error: string | null = null;
      if (result === "aborted" || ac.signal.aborted) {
        outcome = abortOutcome;
        error = abortMessage;
      } else if (result.ok) {
        outcome = "success";
      } else {
        outcome = "failed";
        error = errorText(result.err);
      }
      if (outcome === "failed" || outcome === "timeout")
        log.error(`job ${outcome}`, fields(e, { run_id: base.runId, slot: base.slot, error }));
      const endedAt = await driver.now().catch(() => clock.now());
      // Release first: once the token is cleared no guarded write of this run can commit (even one
      // the job fires after an abort it ignores), so the count read next is final. A release that
      // fails means the lease was taken over (janitor or next holder), which records the run itself.
      const released = !lost && (await driver.release(lease).catch(() => false));
      const committed = released ? await countWrites(lease.key, lease.fence) : null;
      const final: RunRecord = {
        ...record,
        ended_at: new Date(endedAt).toISOString(),
        duration_ms: Math.max(0, endedAt - startedAt),
        outcome,
        error,
        committed_writes: committed,
      };
      // Compare-and-set on the entry's rev: if a janitor took the freed lease and recorded the run
      // meanwhile (only possible once the entry's lease copy had expired), its record stands.
      const res = !released
        ? { ok: false as const }
        : await serial(async () => {
            const r = await writeRun(driver, id, final, rev);
            if (r.ok) {
              rev = r.rev;
              record = final;
            }
            return r;
          }).catch(() => ({ ok: false as const }));
      if (!res.ok) {
        log.warn("job result discarded: the run lost its lease", fields(e, { run_id: base.runId, outcome }));
        return null;
      }
      log.info("job finished", fields(e, { run_id: base.runId, outcome, duration_ms: final.duration_ms }));
      await pruneRuns(driver, e.pack, e.def.name, historyLimit).catch((err: unknown) =>
        log.warn("history prune failed", fields(e, { error: errorText(err) })),
      );
      return final;
    })();
    const entry: ActiveRun = { abort, done };
    active.add(entry);
    void done.finally(() => active.delete(entry));
    return { done: track(done) };
  };

  /** Counted writes under one grant, or null when the driver cannot say. */
  const countWrites = async (key: string, fence: number): Promise<number | null> => {
    if (!driver.leaseWrites) return null;
    return driver.leaseWrites(key, fence).then(
      (i) => i.writes,
      () => null,
    );
  };

  const maybePruneClaims = async (e: JobEntry, now: number) => {
    if (now - e.claimsPrunedAt < CLAIM_PRUNE_EVERY_MS) return;
    e.claimsPrunedAt = now;
    const a = e.schedule.next(now);
    const b = a === null ? null : e.schedule.next(a);
    const period = a !== null && b !== null ? b - a : 0;
    await pruneClaims(driver, e.pack, e.def.name, now - Math.max(CLAIM_RETENTION_MIN_MS, 100 * period));
  };

  // Earliest lease expiry (store clock) among runs seen in progress, so the janitor can look
  // again right when it passes instead of up to a whole interval later.
  let nextExpiry = Number.POSITIVE_INFINITY;
  let storeSkew = 0;
  const sweep = async (): Promise<number> => {
    const now = await driver.now();
    storeSkew = now - clock.now();
    nextExpiry = Number.POSITIVE_INFINITY;
    let marked = 0;
    for (const { id, rev, run } of await listRunning(driver, 200)) {
      // The entry's expiry is a copy the heartbeat updates after renewing the real lease, so it can
      // only lag: it says when to look, never that the run is dead.
      const expires = run.lease_expires_at ? Date.parse(run.lease_expires_at) : Number.NaN;
      if (expires > now) nextExpiry = Math.min(nextExpiry, expires);
      if (!(expires <= now) || run.fence === null) continue;
      const leaseKey = run.lease_key ?? `job:${run.pack}:${run.job}`;
      // Fence before declaring: take the run's lease. Granted → the run's token and fence are dead,
      // so none of its writes can commit from here on and its count is final.
      const taken = await driver.acquire(leaseKey, ttl);
      let committed: number | null;
      if (taken) {
        committed = await countWrites(leaseKey, run.fence);
      } else {
        // Busy: either the run still holds it (alive, e.g. its event loop stalled before it could
        // update the copy) → leave it; or a later grant does → the run is fenced out for good.
        const info = await driver.leaseWrites?.(leaseKey, run.fence).catch(() => null);
        if (!info || info.currentFence <= run.fence) continue;
        committed = info.writes;
      }
      const final: RunRecord = {
        ...run,
        ended_at: new Date(now).toISOString(),
        duration_ms: Math.max(0, now - Date.parse(run.started_at)),
        outcome: "interrupted",
        error: `Lease expired: replica '${run.replica}' stopped renewing it`,
        committed_writes: committed,
      };
      const res = await writeRun(driver, id, final, rev, taken ?? undefined).catch(() => ({ ok: false }));
      if (taken) await driver.release(taken).catch(() => false);
      if (res.ok) {
        marked++;
        log.warn("job run interrupted", {
          pack: run.pack,
          job: run.job,
          run_id: run.run_id,
          owner: run.replica,
          replica: replicaId,
        });
      }
    }
    return marked;
  };

  const janitor = () => {
    janitorTimer = undefined;
    if (!started || stopping) return;
    void track(sweep()).finally(() => {
      if (!started || stopping) return;
      const untilExpiry = nextExpiry - storeSkew - clock.now() + 5;
      janitorTimer = clock.setTimeout(janitor, Math.max(5, Math.min(janitorMs, untilExpiry)));
    });
  };

  // Waits of the catch-up loop, ended early by stop() so shutdown never waits a retry interval.
  const wakers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        wakers.delete(done);
        clock.clearTimeout(h);
        resolve();
      };
      const h = clock.setTimeout(done, ms);
      wakers.add(done);
    });

  /**
   * Apply the missed-run policy at start-up; resolves once regular timers may be armed. For
   * `catch-up-once` that is only after the catch-up run holds the job's lease (or another replica
   * claimed the catch-up slot): armed earlier, the first regular slot took the lease and the
   * catch-up was recorded `skipped-overlap` (issue #21).
   */
  const startMissed = async (e: JobEntry, now: number) => {
    const last = await lastClaimedSlot(driver, e.pack, e.def.name);
    if (last === null) return;
    const until = now - graceMs;
    const { slots, more } = slotsBetween(e.schedule, last, until, 1000);
    if (slots.length === 0) return;
    const latest = more ? (e.schedule.previous(until) ?? slots[slots.length - 1]!) : slots[slots.length - 1]!;
    const policy = e.def.missed ?? "skip";
    const count = more ? "1000+" : String(slots.length);
    log.info("job missed slots while no replica was up", fields(e, { missed: count, policy }));
    // Only the newest missed slot is recorded: a long outage must not flood history or the store.
    if (policy !== "catch-up-once") {
      await runScheduled(e, latest, "skip", `${count} slot(s) missed while no replica was running`);
      return;
    }
    if (e.def.allowOverlap) {
      // A lease per run: nothing can starve it.
      track(runScheduled(e, latest, "run"));
      return;
    }
    const slot = slotIso(latest);
    const tickId = tickIdFor(e.pack, e.def.name, slot);
    const runId = `run_${tickId.slice("tick_".length)}`;
    const claimId = slotClaimId(e.pack, e.def.name, slot);
    // Lease first, claim second: only the replica holding the lease claims the catch-up slot, so
    // the claim never ends as `skipped-overlap` because of a regular slot. A dead run's lease can
    // keep it busy for up to one TTL; after that (plus a renewal interval) give up waiting.
    const giveUpAt = clock.now() + ttl + heartbeatMs;
    const retryMs = Math.max(10, Math.min(heartbeatMs, 250));
    while (!stopping) {
      const lease = await driver.acquire(e.leaseKey, ttl);
      if (lease) {
        const claimedAt = await driver.now();
        const won = await claimSlot(
          driver,
          {
            pack: e.pack,
            job: e.def.name,
            slot,
            run_id: runId,
            replica: replicaId,
            claimed_at: new Date(claimedAt).toISOString(),
          },
          "schedule",
        );
        if (!won) {
          await driver.release(lease).catch(() => false);
          return;
        }
        log.info("job catch-up run", fields(e, { slot, run_id: runId }));
        // startRun returns once the run is recorded and started (its end is not awaited): regular
        // timers arm now and find the lease busy while it runs.
        await startRun(
          e,
          runRecordId(e.pack, e.def.name, latest, runId),
          {
            runId,
            tickId,
            slot,
            trigger: "schedule",
          },
          lease,
        );
        return;
      }
      // Busy: another replica may hold it to run this very catch-up.
      if (await driver.get(JOB_SLOTS_NS, claimId)) return;
      if (clock.now() >= giveUpAt) {
        await runScheduled(e, latest, "run");
        return;
      }
      await pause(retryMs);
    }
  };

  return {
    replicaId,
    get started() {
      return started;
    },
    async start() {
      if (started || stopping) return;
      started = true;
      const now = clock.now();
      for (const e of jobs.values()) {
        if ((e.def.missed ?? "skip") === "catch-up-once") {
          // Arm only once the catch-up holds the lease (see startMissed); slots that pass meanwhile
          // are handled like a late wake-up.
          track(startMissed(e, now).finally(() => arm(e, now - graceMs)));
        } else {
          track(startMissed(e, now));
          arm(e, now - graceMs);
        }
      }
      janitorTimer = clock.setTimeout(janitor, janitorMs);
    },
    async stop(deadlineMs = 10_000) {
      if (stopping) return;
      stopping = true;
      for (const e of jobs.values()) if (e.timer !== undefined) clock.clearTimeout(e.timer);
      if (janitorTimer !== undefined) clock.clearTimeout(janitorTimer);
      for (const wake of [...wakers]) wake();
      if (active.size > 0) {
        let deadline: TimerHandle | undefined;
        await Promise.race([
          Promise.allSettled([...active].map((a) => a.done)),
          new Promise<void>((r) => {
            deadline = clock.setTimeout(r, deadlineMs);
          }),
        ]);
        if (deadline !== undefined) clock.clearTimeout(deadline);
        for (const a of active) a.abort("interrupted", "The host shut down before the run finished");
      }
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
      started = false;
    },
    hasJob: (pack, name) => jobs.has(`${pack}\n${name}`),
    async jobs() {
      const now = clock.now();
      const out: JobInfo[] = [];
      for (const e of jobs.values()) {
        const [last] = await listRuns(driver, e.pack, e.def.name, 1);
        const next = started && !stopping ? e.next : e.schedule.next(now);
        out.push({
          pack: e.pack,
          name: e.def.name,
          cron: e.def.cron,
          timezone: e.timezone,
          description: e.def.description ?? null,
          allow_overlap: e.def.allowOverlap ?? false,
          missed: e.def.missed ?? "skip",
          timeout_ms: e.def.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          next_run: next === null ? null : new Date(next).toISOString(),
          last_run: last?.run ?? null,
        });
      }
      return out;
    },
    async runs(pack, name, limit = historyLimit) {
      if (!jobs.has(`${pack}\n${name}`)) return null;
      return (await listRuns(driver, pack, name, limit)).map((r) => r.run);
    },
    async trigger(pack, name, options = {}) {
      const e = jobs.get(`${pack}\n${name}`);
      if (!e) return { ok: false, reason: "unknown-job" };
      if (stopping) return { ok: false, reason: "stopping" };
      let rerunOf: RunRecord | undefined;
      if (options.rerun !== undefined) {
        rerunOf = (await listRuns(driver, pack, name, historyLimit)).find(
          (r) => r.run.run_id === options.rerun,
        )?.run;
        if (!rerunOf) return { ok: false, reason: "unknown-run" };
      }
      const runId = `run_${randomBytes(12).toString("hex")}`;
      const slot = `manual:${runId}`;
      const at = await driver.now();
      const claim = {
        pack,
        job: name,
        slot,
        run_id: runId,
        replica: replicaId,
        claimed_at: new Date(at).toISOString(),
      };
      if (!(await claimSlot(driver, claim, "manual"))) return { ok: false, reason: "busy" };
      const lease = await driver.acquire(e.leaseKey, ttl);
      if (!lease) {
        await driver.remove(JOB_SLOTS_NS, slotClaimId(pack, name, slot)).catch(() => undefined);
        return { ok: false, reason: "busy" };
      }
      const run = await startRun(
        e,
        runRecordId(pack, name, at, runId),
        {
          runId,
          // A re-run keeps the tick id, so effects the job keys by `ctx.tickId` are not applied twice.
          tickId: rerunOf?.tick_id ?? tickIdFor(pack, name, slot),
          slot,
          trigger: "manual",
          ...(rerunOf ? { rerunOf: rerunOf.run_id } : {}),
        },
        lease,
      );
      if (!run) return { ok: false, reason: "busy" };
      return { ok: true, runId, done: run.done };
    },
    sweep: () => track(sweep()),
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
