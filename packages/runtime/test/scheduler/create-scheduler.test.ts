import { describe, expect, it } from "vitest";
import { FencedError } from "../../src/errors/storage-errors.js";
import type { JobDef } from "../../src/pack/types.js";
import { manualClock } from "../../src/scheduler/clock.js";
import { tickIdFor } from "../../src/scheduler/slots.js";
import memory from "../../src/storage/drivers/memory.js";
import { rig, sleep } from "./harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const job = (over: Partial<JobDef<any>> & Pick<JobDef<any>, "run">): JobDef<any> => ({
  name: "tick",
  cron: "* * * * * *",
  ...over,
});

describe("createScheduler", () => {
  describe("time zones", () => {
    it("should fire a daily job at its own zone's wall-clock time, and default to the host zone", async () => {
      const seen: string[] = [];
      const r = rig(
        [
          job({
            name: "ny",
            cron: "0 9 * * *",
            timezone: "America/New_York",
            run: (ctx) => void seen.push(`ny ${ctx.now().toISOString()}`),
          }),
          job({
            name: "tokyo",
            cron: "0 9 * * *",
            run: (ctx) => void seen.push(`tokyo ${ctx.now().toISOString()}`),
          }),
        ],
        { start: "2026-01-10T00:30:00.000Z", timezone: "Asia/Tokyo", janitorIntervalMs: HOUR },
      );
      await r.scheduler.start();
      await r.clock.advance(2 * DAY);
      await r.scheduler.stop();
      // 09:00 EST = 14:00Z; 09:00 JST = 00:00Z.
      expect(seen).toEqual([
        "ny 2026-01-10T14:00:00.000Z",
        "tokyo 2026-01-11T00:00:00.000Z",
        "ny 2026-01-11T14:00:00.000Z",
        "tokyo 2026-01-12T00:00:00.000Z",
      ]);
      const jobs = await r.scheduler.jobs();
      expect(jobs.map((j) => [j.name, j.timezone, j.last_run?.outcome])).toEqual([
        ["ny", "America/New_York", "success"],
        ["tokyo", "Asia/Tokyo", "success"],
      ]);
    });
  });

  describe("DST (S6: Europe/Berlin, daily 02:30)", () => {
    const berlin = async (start: string, days: number) => {
      const r = rig(
        [job({ name: "nightly", cron: "30 2 * * *", timezone: "Europe/Berlin", run: () => {} })],
        {
          start,
          janitorIntervalMs: HOUR,
        },
      );
      await r.scheduler.start();
      await r.clock.advance(days * DAY);
      await r.scheduler.stop();
      const runs = (await r.scheduler.runs("tasks", "nightly")) ?? [];
      return runs.map((x) => `${x.slot} ${x.outcome}`).reverse();
    };

    it("should run once at 03:00 CEST on 2026-03-29, when 02:30 does not exist", async () => {
      expect(await berlin("2026-03-27T12:00:00.000Z", 3)).toEqual([
        "2026-03-28T01:30:00.000Z success", // 02:30 CET
        "2026-03-29T01:00:00.000Z success", // 03:00 CEST: first instant after the gap
        "2026-03-30T00:30:00.000Z success", // 02:30 CEST
      ]);
    });

    it("should run once, at the first 02:30 (CEST), on 2026-10-25 when 02:30 happens twice", async () => {
      expect(await berlin("2026-10-23T12:00:00.000Z", 3)).toEqual([
        "2026-10-24T00:30:00.000Z success", // 02:30 CEST
        "2026-10-25T00:30:00.000Z success", // first 02:30 (CEST); the repeated 02:30 CET is not a slot
        "2026-10-26T01:30:00.000Z success", // 02:30 CET
      ]);
    });
  });

  describe("overlap", () => {
    it("should record skipped-overlap for ticks while the previous run holds the lease", async () => {
      const r2 = rig([job({ run: () => sleep(r2.clock, 2500) })], { start: "2026-01-10T12:00:00.500Z" });
      await r2.scheduler.start();
      await r2.clock.advance(5000);
      const stopping = r2.scheduler.stop(10_000);
      await r2.clock.advance(2000);
      await stopping;
      const runs = ((await r2.scheduler.runs("tasks", "tick")) ?? []).reverse();
      expect(runs.map((x) => `${x.slot.slice(17, 19)} ${x.outcome}`)).toEqual([
        "01 success",
        "02 skipped-overlap",
        "03 skipped-overlap",
        "04 success",
        "05 skipped-overlap",
      ]);
      expect(runs[0]!.fence).toBe(1);
      expect(runs[3]!.fence).toBe(2);
      expect(runs[0]!.duration_ms).toBe(2500);
    });

    it("should let runs overlap when the job opts in", async () => {
      let concurrent = 0;
      let peak = 0;
      const r = rig(
        [
          job({
            allowOverlap: true,
            run: async () => {
              concurrent++;
              peak = Math.max(peak, concurrent);
              await sleep(r.clock, 2500);
              concurrent--;
            },
          }),
        ],
        { start: "2026-01-10T12:00:00.500Z" },
      );
      await r.scheduler.start();
      await r.clock.advance(8000);
      const stopping = r.scheduler.stop();
      await r.clock.advance(3000);
      await stopping;
      const runs = (await r.scheduler.runs("tasks", "tick")) ?? [];
      expect(runs.filter((x) => x.outcome === "success")).toHaveLength(8);
      expect(runs.some((x) => x.outcome === "skipped-overlap")).toBe(false);
      expect(peak).toBe(3);
    });
  });

  describe("heartbeat", () => {
    it("should keep a run longer than the lease TTL alive and let its writes commit", async () => {
      const r = rig(
        [
          job({
            cron: "0 * * * *",
            run: async (ctx) => {
              await sleep(r.clock, 12_000);
              await ctx.storage.effects.create({ tick: ctx.tickId, note: "after 12 s" });
            },
          }),
        ],
        { start: "2026-01-10T11:59:59.000Z" },
      );
      await r.scheduler.start();
      await r.clock.advance(1000 + 12_000 + 100);
      await r.scheduler.stop();
      const [run] = (await r.scheduler.runs("tasks", "tick")) ?? [];
      expect(run).toMatchObject({ outcome: "success", duration_ms: 12_000 });
      expect(await r.driver.count("tasks.effects")).toBe(1);
    });
  });

  describe("timeout", () => {
    it("should abort ctx.signal, record timeout and fence writes the job makes afterwards", async () => {
      let late: unknown;
      let signalAborted = false;
      const r = rig(
        [
          job({
            cron: "0 * * * *",
            timeoutMs: 1000,
            run: async (ctx) => {
              await sleep(r.clock, 3000); // ignores the signal on purpose
              signalAborted = ctx.signal.aborted;
              try {
                await ctx.storage.effects.create({ tick: ctx.tickId, note: "late" });
              } catch (err) {
                late = err;
              }
            },
          }),
        ],
        { start: "2026-01-10T11:59:59.000Z" },
      );
      await r.scheduler.start();
      await r.clock.advance(1000 + 1000);
      const [run] = (await r.scheduler.runs("tasks", "tick")) ?? [];
      expect(run).toMatchObject({ outcome: "timeout", error: "Timed out after 1000 ms", duration_ms: 1000 });
      await r.clock.advance(3000);
      expect(signalAborted).toBe(true);
      expect(late).toBeInstanceOf(Error);
      expect(await r.driver.count("tasks.effects")).toBe(0);
      expect(r.log.lines.some((l) => l.level === "error" && l.msg === "job timeout")).toBe(true);
      await r.scheduler.stop();
    });
  });

  describe("history", () => {
    it("should keep only the newest historyLimit runs, newest first", async () => {
      const r = rig([job({ run: () => {} })], { start: "2026-01-10T12:00:00.500Z", historyLimit: 5 });
      await r.scheduler.start();
      await r.clock.advance(12_000);
      await r.scheduler.stop();
      const runs = (await r.scheduler.runs("tasks", "tick")) ?? [];
      expect(runs.map((x) => x.slot)).toEqual([
        "2026-01-10T12:00:12.000Z",
        "2026-01-10T12:00:11.000Z",
        "2026-01-10T12:00:10.000Z",
        "2026-01-10T12:00:09.000Z",
        "2026-01-10T12:00:08.000Z",
      ]);
      expect(runs[0]).toMatchObject({
        trigger: "schedule",
        replica: "r1",
        outcome: "success",
        error: null,
        tick_id: tickIdFor("tasks", "tick", "2026-01-10T12:00:12.000Z"),
      });
      expect(await r.driver.count("_valhalla.job_runs")).toBe(5);
      // Claims outlive history so a late replica can never claim a pruned slot again.
      expect(await r.driver.count("_valhalla.job_slots")).toBe(12);
    });
  });

  describe("late wake-up", () => {
    it("should record slots passed while paused as skipped-missed and run only the newest", async () => {
      const r = rig([job({ run: () => {} })], { start: "2026-01-10T12:00:00.500Z" });
      await r.scheduler.start();
      await r.clock.advance(2000);
      r.clock.jump(5000); // paused from 12:00:02.5 to 12:00:07.5
      await r.clock.advance(1000);
      await r.scheduler.stop();
      const runs = ((await r.scheduler.runs("tasks", "tick")) ?? []).reverse();
      expect(runs.map((x) => `${x.slot.slice(17, 19)} ${x.outcome}`)).toEqual([
        "01 success",
        "02 success",
        "03 skipped-missed",
        "04 skipped-missed",
        "05 skipped-missed",
        "06 skipped-missed",
        "07 success",
        "08 success",
      ]);
      expect(runs[2]!.error).toBe("The replica woke up after the slot had passed");
    });
  });

  describe("slot claims", () => {
    it("should keep claims for at least a day, then prune them", async () => {
      const r = rig([job({ cron: "* * * * *", run: () => {} })], {
        start: "2026-01-10T00:00:30.000Z",
        historyLimit: 10,
        janitorIntervalMs: 3_600_000,
      });
      await r.scheduler.start();
      await r.clock.advance(DAY);
      expect(await r.driver.count("_valhalla.job_runs")).toBe(10);
      const claims = await r.driver.count("_valhalla.job_slots");
      expect(claims).toBeGreaterThanOrEqual(1440);
      await r.clock.advance(2 * HOUR);
      await r.scheduler.stop();
      // Two more hours of ticks, yet no more than a day (+ one prune interval) of claims is kept.
      expect(await r.driver.count("_valhalla.job_slots")).toBeLessThanOrEqual(1440 + 2);
    });
  });

  describe("failing jobs", () => {
    it("should record the error, log it and keep scheduling", async () => {
      let n = 0;
      const r = rig(
        [
          job({
            run: () => {
              n++;
              if (n === 1) throw new Error("sync boom");
              if (n === 2) return Promise.reject(new Error("async boom"));
            },
          }),
        ],
        { start: "2026-01-10T12:00:00.500Z" },
      );
      await r.scheduler.start();
      await r.clock.advance(3000);
      await r.scheduler.stop();
      const runs = ((await r.scheduler.runs("tasks", "tick")) ?? []).reverse();
      expect(runs.map((x) => [x.outcome, x.error])).toEqual([
        ["failed", "sync boom"],
        ["failed", "async boom"],
        ["success", null],
      ]);
      const errors = r.log.lines.filter((l) => l.level === "error");
      expect(errors.map((l) => [l.msg, l.fields.job, l.fields.error])).toEqual([
        ["job failed", "tick", "sync boom"],
        ["job failed", "tick", "async boom"],
      ]);
    });
  });

  describe("manual runs", () => {
    it("should run once through the job lease and refuse a second trigger while it runs", async () => {
      let release!: () => void;
      const r = rig(
        [
          job({
            cron: "0 0 1 1 *",
            run: (ctx) =>
              new Promise<void>((resolve) => {
                release = resolve;
              }).then(() => ctx.storage.effects.create({ tick: ctx.tickId, note: "manual" }).then(() => {})),
          }),
        ],
        { start: "2026-01-10T12:00:00.000Z" },
      );
      const first = await r.scheduler.trigger("tasks", "tick");
      expect(first.ok).toBe(true);
      expect(await r.replica("r2").trigger("tasks", "tick")).toEqual({ ok: false, reason: "busy" });
      expect(await r.scheduler.trigger("tasks", "nope")).toEqual({ ok: false, reason: "unknown-job" });
      release();
      const done = first.ok ? await first.done : null;
      expect(done).toMatchObject({
        trigger: "manual",
        outcome: "success",
        slot: `manual:${first.ok && first.runId}`,
      });
      await r.clock.advance(1000);
      const again = await r.scheduler.trigger("tasks", "tick");
      expect(again.ok).toBe(true);
      release();
      await r.scheduler.idle();
      const runs = (await r.scheduler.runs("tasks", "tick")) ?? [];
      expect(runs).toHaveLength(2);
      expect(runs[0]!.fence).toBeGreaterThan(runs[1]!.fence!);
      expect(await r.driver.count("tasks.effects")).toBe(2);
    });
  });

  describe("stop", () => {
    it("should wait for running jobs up to the deadline, then abort them and record interrupted", async () => {
      const r = rig(
        [
          job({ name: "quick", cron: "0 * * * *", run: () => sleep(r.clock, 1000) }),
          job({ name: "slow", cron: "0 * * * *", run: () => sleep(r.clock, 60_000) }),
        ],
        { start: "2026-01-10T11:59:59.500Z" },
      );
      await r.scheduler.start();
      await r.clock.advance(1000);
      let stopped = false;
      const stopping = r.scheduler.stop(5000).then(() => {
        stopped = true;
      });
      await r.clock.advance(4000);
      expect(stopped).toBe(false);
      await r.clock.advance(1000);
      await stopping;
      expect(stopped).toBe(true);
      const [quick] = (await r.scheduler.runs("tasks", "quick")) ?? [];
      const [slow] = (await r.scheduler.runs("tasks", "slow")) ?? [];
      expect(quick).toMatchObject({ outcome: "success", duration_ms: 1000 });
      expect(slow).toMatchObject({
        outcome: "interrupted",
        error: "The host shut down before the run finished",
      });
      // Timers are gone: time passing schedules nothing more.
      await r.clock.advance(2 * HOUR);
      expect((await r.scheduler.runs("tasks", "quick")) ?? []).toHaveLength(1);
    });
  });

  describe("janitor and fencing", () => {
    it("should mark a frozen replica's run interrupted within the lease and reject its late writes", async () => {
      const store = manualClock(Date.parse("2026-01-10T12:00:00.000Z"));
      const frozen = manualClock(store.now());
      const driver = memory({ now: store.now });
      const resumes: (() => void)[] = [];
      let lateWrite: unknown = null;
      const jobs = [
        job({
          cron: "0 0 1 1 *",
          run: async (ctx) => {
            await new Promise<void>((r) => {
              resumes.push(r);
            });
            try {
              await ctx.storage.effects.create({ tick: ctx.tickId, note: "late" });
            } catch (err) {
              lateWrite = err;
            }
          },
        }),
      ];
      const a = rig(jobs, { start: "", clock: frozen, driver });
      const b = rig(jobs, { start: "", clock: store, driver });
      const started = await a.scheduler.trigger("tasks", "tick");
      expect(started.ok).toBe(true);
      await b.scheduler.start();
      // A never gets to run its timers (as if SIGSTOPped): no heartbeat renews its 5 s lease.
      await store.advance(4000);
      expect((await b.scheduler.runs("tasks", "tick"))?.[0]?.outcome).toBeNull();
      await store.advance(1500);
      const [run] = (await b.scheduler.runs("tasks", "tick")) ?? [];
      expect(run).toMatchObject({ outcome: "interrupted", replica: "r1" });
      expect(Date.parse(run!.ended_at!) - Date.parse(run!.started_at)).toBeLessThanOrEqual(5010);
      // B takes the lease over with a higher fence.
      const next = await b.scheduler.trigger("tasks", "tick");
      expect(next.ok).toBe(true);
      // A wakes up: its write through ctx.storage and its completion are both fenced.
      resumes[0]!();
      await frozen.advance(1000);
      await a.scheduler.idle();
      expect(lateWrite).toBeInstanceOf(FencedError);
      expect(await driver.count("tasks.effects")).toBe(0);
      const runs = (await b.scheduler.runs("tasks", "tick")) ?? [];
      expect(runs.map((x) => x.outcome)).toEqual([null, "interrupted"]);
      expect(runs[0]!.fence).toBeGreaterThan(runs[1]!.fence!);
      expect(a.log.lines.some((l) => l.msg === "job result discarded: the run lost its lease")).toBe(true);
      resumes[1]!();
      await b.scheduler.stop();
    });
  });
});
