/**
 * Slots: the instants a cron pattern names in a time zone, computed with croner (never fired by
 * it — its callback sees the actual start time, not the slot), and their atomic claims.
 * @module
 */
import { createHash } from "node:crypto";
import { Cron } from "croner";
import type { Driver } from "../storage/driver.js";
import { JOB_SLOTS_NS, jobKey, slotClaimId } from "./history.js";

const PREVIOUS_WINDOWS = [
  1000,
  60_000,
  3_600_000,
  86_400_000,
  32 * 86_400_000,
  366 * 86_400_000,
  5 * 366 * 86_400_000,
];

/** A compiled schedule: next and previous slots of one pattern in one zone. @internal */
export interface Schedule {
  /** First slot strictly after `fromMs`, or null when the pattern has no more. */
  next(fromMs: number): number | null;
  /** Latest slot at or before `atMs`, or null. */
  previous(atMs: number): number | null;
}

/** Compile `pattern` in `timezone` with croner (paused: it never fires anything). @internal */
export function compileSchedule(pattern: string, timezone: string): Schedule {
  const cron = new Cron(pattern, { timezone, paused: true });
  return {
    next(fromMs) {
      return cron.nextRun(new Date(fromMs))?.getTime() ?? null;
    },
    previous(atMs) {
      // croner's previousRuns overflows the stack on second-level patterns, so search forward
      // from growing windows before `atMs` and walk to the last slot not after it.
      for (const windowMs of PREVIOUS_WINDOWS) {
        const first = cron.nextRun(new Date(atMs - windowMs));
        if (first === null || first.getTime() > atMs) continue;
        let s: number = first.getTime();
        for (;;) {
          const n: number | null = cron.nextRun(new Date(s))?.getTime() ?? null;
          if (n === null || n > atMs) return s;
          s = n;
        }
      }
      return null;
    },
  };
}

/**
 * Every slot of `schedule` in the half-open range (`afterMs`, `untilMs`], up to `cap` of them,
 * plus whether more were left out.
 * @internal
 */
export function slotsBetween(
  schedule: Schedule,
  afterMs: number,
  untilMs: number,
  cap: number,
): { slots: number[]; more: boolean } {
  const slots: number[] = [];
  let s = schedule.next(afterMs);
  while (s !== null && s <= untilMs) {
    if (slots.length === cap) return { slots, more: true };
    slots.push(s);
    s = schedule.next(s);
  }
  return { slots, more: false };
}

/** ISO 8601 of a slot, the form used in claim ids and history. @internal */
export const slotIso = (ms: number): string => new Date(ms).toISOString();

/**
 * `ctx.tickId`: the same on every replica for the same (pack, job, slot), so a job can make its
 * own external side effects idempotent.
 * @public
 */
export function tickIdFor(pack: string, job: string, slot: string): string {
  return `tick_${createHash("sha256").update(`${pack}\n${job}\n${slot}`).digest("hex").slice(0, 24)}`;
}

/** A stored slot claim. @internal */
export interface SlotClaim {
  readonly pack: string;
  readonly job: string;
  readonly slot: string;
  readonly run_id: string;
  readonly replica: string;
  readonly claimed_at: string;
}

/**
 * Claim a slot: an insert that succeeds on exactly one replica (`expectRev: 0` is atomic on every
 * driver). Returns false when another replica already holds it.
 * @internal
 */
export async function claimSlot(driver: Driver, claim: SlotClaim, kind: RunKind): Promise<boolean> {
  const res = await driver.write(JOB_SLOTS_NS, {
    record: { id: slotClaimId(claim.pack, claim.job, claim.slot), rev: 1, value: JSON.stringify(claim) },
    index: { [kind === "schedule" ? "job" : "manual"]: jobKey(claim.pack, claim.job) },
    expectRev: 0,
  });
  return res.ok;
}

type RunKind = "schedule" | "manual";

/** Latest scheduled slot any replica has claimed for a job (ms), or null. @internal */
export async function lastClaimedSlot(driver: Driver, pack: string, job: string): Promise<number | null> {
  const [row] = await driver.list(JOB_SLOTS_NS, {
    where: { job: jobKey(pack, job) },
    limit: 1,
    order: "desc",
  });
  if (!row) return null;
  const ms = Date.parse((JSON.parse(row.value) as SlotClaim).slot);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Drop claims older than `beforeMs`. Claims are kept far longer than history (at least a day) so
 * a replica that wakes up late can never claim a slot a second time.
 * @internal
 */
export async function pruneClaims(
  driver: Driver,
  pack: string,
  job: string,
  beforeMs: number,
): Promise<number> {
  let removed = 0;
  for (const index of ["job", "manual"] as const) {
    // Oldest first, batch by batch, until a batch holds a claim young enough to keep.
    for (let batch = 0; batch < 50; batch++) {
      const rows = await driver.list(JOB_SLOTS_NS, {
        where: { [index]: jobKey(pack, job) },
        limit: 200,
        order: "asc",
      });
      let done = rows.length < 200;
      for (const r of rows) {
        const c = JSON.parse(r.value) as SlotClaim;
        if (Date.parse(c.claimed_at) >= beforeMs) {
          done = true;
          continue;
        }
        const res = await driver.remove(JOB_SLOTS_NS, r.id, r.rev);
        if (res.ok && res.removed) removed++;
      }
      if (done) break;
    }
  }
  return removed;
}
