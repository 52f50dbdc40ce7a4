import * as v from "valibot";
import { definePack } from "../../src/pack/define-pack.js";
import type { JobDef, Logger } from "../../src/pack/types.js";
import { createRegistry } from "../../src/registry/create-registry.js";
import { type ManualClock, manualClock } from "../../src/scheduler/clock.js";
import {
  createScheduler,
  type Scheduler,
  type SchedulerOptions,
} from "../../src/scheduler/create-scheduler.js";
import { collection } from "../../src/storage/collection.js";
import type { Driver } from "../../src/storage/driver.js";
import memory from "../../src/storage/drivers/memory.js";

/** The test pack's one namespace: side effects jobs write through `ctx.storage`. */
export const storage = {
  effects: collection({
    prefix: "eff",
    schema: v.object({ tick: v.string(), note: v.string() }),
    indexes: ["tick"],
  }),
};

/** A logger that keeps every line. */
export function recordingLog(): Logger & {
  lines: { level: string; msg: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, fields });
    };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** Sleep on the manual clock; rejects when `signal` aborts (if given). */
export function sleep(clock: ManualClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const h = clock.setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clock.clearTimeout(h);
      reject(signal.reason);
    });
  });
}

export interface Rig {
  clock: ManualClock;
  driver: Driver;
  scheduler: Scheduler;
  log: ReturnType<typeof recordingLog>;
  /** Make another replica on the same store (own clock for timers unless given). */
  replica(id: string, extra?: Partial<SchedulerOptions> & { clock?: ManualClock }): Scheduler;
}

/** A scheduler over one pack `tasks` with `jobs`, a memory store and a manual clock at `start`. */
export function rig(
  jobs: readonly JobDef<any>[],
  opts: {
    start: string;
    timezone?: string;
    driver?: Driver;
    clock?: ManualClock;
  } & Partial<SchedulerOptions> = {
    start: "2026-01-10T12:00:00.000Z",
  },
): Rig {
  const clock = opts.clock ?? manualClock(Date.parse(opts.start));
  const driver = opts.driver ?? memory({ now: clock.now });
  const pack = definePack({
    code: "tasks",
    version: "1.0.0",
    description: "scheduler test pack",
    storage,
    jobs,
  });
  const registry = createRegistry([pack], {
    driver,
    timezone: opts.timezone ?? "UTC",
    now: () => new Date(clock.now()),
  });
  const log = recordingLog();
  const make = (id: string, extra: Partial<SchedulerOptions> = {}) =>
    createScheduler({
      registry,
      driver,
      replicaId: id,
      clock,
      log,
      leaseTtlMs: 5000,
      missedGraceMs: opts.missedGraceMs ?? 0,
      ...(opts.historyLimit !== undefined ? { historyLimit: opts.historyLimit } : {}),
      ...(opts.janitorIntervalMs !== undefined ? { janitorIntervalMs: opts.janitorIntervalMs } : {}),
      ...extra,
    });
  return { clock, driver, log, scheduler: make("r1"), replica: make };
}
