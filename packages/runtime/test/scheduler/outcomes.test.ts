/**
 * What each outcome promises about effects (README "Outcomes"): every run records
 * `committed_writes`, the store's own count of guarded writes committed under the run's lease, and
 * a manual re-run can reuse an interrupted run's tick id.
 */
import { describe, expect, it } from "vitest";
import type { JobDef } from "../../src/pack/types.js";
import { manualClock } from "../../src/scheduler/clock.js";
import memory from "../../src/storage/drivers/memory.js";
import { rig, sleep } from "./harness.js";

const hourly = (over: Partial<JobDef<any>> & Pick<JobDef<any>, "run">): JobDef<any> => ({
  name: "tick",
  cron: "0 * * * *",
  ...over,
});

describe("run outcomes and committed_writes", () => {
  it("should count creates, updates and deletes of a successful run, and nothing for skipped slots", async () => {
    const r = rig(
      [
        hourly({
          cron: "* * * * * *",
          run: async (ctx) => {
            const made = await ctx.storage.effects.create({ tick: ctx.tickId, note: "a" });
            await ctx.storage.effects.update(made.id, { note: "b" });
            const temp = await ctx.storage.effects.create({ tick: ctx.tickId, note: "temp" });
            await ctx.storage.effects.delete(temp.id);
            await sleep(r.clock, 1500); // the next slot finds the lease busy
          },
        }),
      ],
      { start: "2026-01-10T12:00:00.500Z" },
    );
    await r.scheduler.start();
    await r.clock.advance(2000);
    await r.scheduler.stop(5000);
    const runs = ((await r.scheduler.runs("tasks", "tick")) ?? []).reverse();
    expect(runs.map((x) => [x.outcome, x.committed_writes])).toEqual([
      ["success", 4],
      ["skipped-overlap", 0],
    ]);
  });

  it("should count the writes a failed run made before it threw", async () => {
    const r = rig(
      [
        hourly({
          run: async (ctx) => {
            await ctx.storage.effects.create({ tick: ctx.tickId, note: "before" });
            throw new Error("boom");
          },
        }),
      ],
      { start: "2026-01-10T12:59:59.000Z" },
    );
    await r.scheduler.start();
    await r.clock.advance(1000);
    await r.scheduler.stop();
    const [run] = (await r.scheduler.runs("tasks", "tick")) ?? [];
    expect(run).toMatchObject({ outcome: "failed", error: "boom", committed_writes: 1 });
  });

  it("should freeze a timed-out run's count: writes after the timeout are rejected, not counted", async () => {
    let late: unknown;
    const r = rig(
      [
        hourly({
          timeoutMs: 1000,
          run: async (ctx) => {
            await ctx.storage.effects.create({ tick: ctx.tickId, note: "in time" });
            await sleep(r.clock, 2000); // ignores ctx.signal on purpose
            late = await ctx.storage.effects
              .create({ tick: ctx.tickId, note: "late" })
              .catch((e: unknown) => e);
          },
        }),
      ],
      { start: "2026-01-10T12:59:59.000Z" },
    );
    await r.scheduler.start();
    await r.clock.advance(1000 + 3000);
    await r.scheduler.stop();
    const [run] = (await r.scheduler.runs("tasks", "tick")) ?? [];
    expect(run).toMatchObject({ outcome: "timeout", committed_writes: 1 });
    // Rejected before reaching the store (ctx.signal is aborted); the store would fence it anyway.
    expect(late).toMatchObject({ name: "AbortError" });
    expect(await r.driver.count("tasks.effects")).toBe(1);
  });

  it("should record the exact count of a run interrupted by shutdown", async () => {
    const r = rig(
      [
        hourly({
          run: async (ctx) => {
            await ctx.storage.effects.create({ tick: ctx.tickId, note: "one" });
            await ctx.storage.effects.create({ tick: ctx.tickId, note: "two" });
            await sleep(r.clock, 60_000);
          },
        }),
      ],
      { start: "2026-01-10T12:59:59.000Z" },
    );
    await r.scheduler.start();
    await r.clock.advance(1000);
    const stopping = r.scheduler.stop(1000);
    await r.clock.advance(1000);
    await stopping;
    const [run] = (await r.scheduler.runs("tasks", "tick")) ?? [];
    expect(run).toMatchObject({ outcome: "interrupted", committed_writes: 2 });
  });
});

describe("manual re-run of an interrupted slot", () => {
  it("should reuse the tick id so a tick-keyed effect is applied once", async () => {
    const store = manualClock(Date.parse("2026-01-10T12:00:00.000Z"));
    const frozen = manualClock(store.now());
    const driver = memory({ now: store.now });
    const ticks: string[] = [];
    const jobs = [
      hourly({
        cron: "0 0 1 1 *",
        run: async (ctx) => {
          ticks.push(ctx.tickId);
          // Idempotent by tick: apply the effect only if this tick has none yet.
          const seen = await ctx.storage.effects.list({ where: { tick: ctx.tickId }, limit: 1 });
          if (seen.items.length === 0) await ctx.storage.effects.create({ tick: ctx.tickId, note: "x" });
          if (ticks.length === 1) await new Promise<void>(() => {}); // the first attempt hangs
        },
      }),
    ];
    const a = rig(jobs, { start: "", clock: frozen, driver });
    const b = rig(jobs, { start: "", clock: store, driver });
    const first = await a.scheduler.trigger("tasks", "tick");
    if (!first.ok) throw new Error("trigger failed");
    await store.flush();
    // `a` never runs a timer again (as if SIGSTOPped): b's janitor declares the run after its lease.
    await b.scheduler.start();
    await store.advance(5000 + 600);
    const [dead] = (await b.scheduler.runs("tasks", "tick")) ?? [];
    expect(dead).toMatchObject({ run_id: first.runId, outcome: "interrupted", committed_writes: 1 });

    expect(await b.scheduler.trigger("tasks", "tick", { rerun: "run_nope" })).toEqual({
      ok: false,
      reason: "unknown-run",
    });
    const again = await b.scheduler.trigger("tasks", "tick", { rerun: first.runId });
    if (!again.ok) throw new Error("re-run refused");
    await store.flush();
    expect(await again.done).toMatchObject({
      outcome: "success",
      tick_id: dead!.tick_id,
      rerun_of: first.runId,
      committed_writes: 0,
    });
    expect(ticks).toEqual([dead!.tick_id, dead!.tick_id]);
    expect(await driver.count("tasks.effects")).toBe(1);
    // A plain manual run still gets a tick id of its own.
    const plain = await b.scheduler.trigger("tasks", "tick");
    if (!plain.ok) throw new Error("trigger failed");
    await store.flush();
    expect((await plain.done)?.tick_id).not.toBe(dead!.tick_id);
    await b.scheduler.stop();
  });
});
