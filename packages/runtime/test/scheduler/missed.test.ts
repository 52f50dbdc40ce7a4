import { describe, expect, it } from "vitest";
import type { JobDef } from "../../src/pack/types.js";
import { rig } from "./harness.js";

const MIN = 60_000;

/** Run 3 minutes on replica r1, stop it, stay down for 10 periods, then start r2 on the same store. */
async function restartAfterDowntime(missed: JobDef["missed"]) {
  let runs = 0;
  const slots: string[] = [];
  const r = rig(
    [
      {
        name: "minutely",
        cron: "* * * * *",
        ...(missed ? { missed } : {}),
        run: (ctx) => {
          runs++;
          slots.push(ctx.now().toISOString());
        },
      },
    ],
    { start: "2026-01-10T12:00:30.000Z", missedGraceMs: 1000 },
  );
  await r.scheduler.start();
  await r.clock.advance(3 * MIN);
  await r.scheduler.stop();
  const before = runs;
  await r.clock.advance(10 * MIN); // 12:04 … 12:13 pass with no replica up
  const second = r.replica("r2", { missedGraceMs: 1000 });
  await second.start();
  await r.clock.flush();
  await second.idle();
  const afterRestart = runs - before;
  const history = (await second.runs("tasks", "minutely")) ?? [];
  await r.clock.advance(MIN);
  await second.stop();
  return { before, afterRestart, history, slots, totalAfterNextTick: runs, log: r.log };
}

describe("createScheduler missed runs (S5)", () => {
  it("should run 0 catch-up runs under skip and record the skipped slot once", async () => {
    const out = await restartAfterDowntime(undefined);
    expect(out.before).toBe(3);
    expect(out.afterRestart).toBe(0);
    const [latest] = out.history;
    expect(latest).toMatchObject({
      slot: "2026-01-10T12:13:00.000Z",
      outcome: "skipped-missed",
      replica: "r2",
      error: "10 slot(s) missed while no replica was running",
    });
    expect(out.history.filter((h) => h.outcome === "skipped-missed")).toHaveLength(1);
    // Regular scheduling resumes with the next slot.
    expect(out.totalAfterNextTick).toBe(4);
    expect(out.slots.at(-1)).toBe("2026-01-10T12:14:00.000Z");
  });

  it("should run exactly 1 catch-up run under catch-up-once, for the newest missed slot", async () => {
    const out = await restartAfterDowntime("catch-up-once");
    expect(out.before).toBe(3);
    expect(out.afterRestart).toBe(1);
    expect(out.history[0]).toMatchObject({
      slot: "2026-01-10T12:13:00.000Z",
      outcome: "success",
      replica: "r2",
    });
    expect(out.history.map((h) => h.outcome)).toEqual(["success", "success", "success", "success"]);
    expect(out.totalAfterNextTick).toBe(5);
    expect(
      out.log.lines.some(
        (l) => l.msg === "job missed slots while no replica was up" && l.fields.missed === "10",
      ),
    ).toBe(true);
  });

  it("should treat a slot within the grace window as due, not missed", async () => {
    let runs = 0;
    const r = rig([{ name: "minutely", cron: "* * * * *", run: () => void runs++ }], {
      start: "2026-01-10T12:00:30.000Z",
      missedGraceMs: 1000,
    });
    await r.scheduler.start();
    await r.clock.advance(MIN); // 12:01 runs; clock now 12:01:30
    await r.scheduler.stop();
    await r.clock.advance(30_500); // 12:02:00.500: the 12:02 slot is 500 ms old
    const second = r.replica("r2", { missedGraceMs: 1000 });
    await second.start();
    await r.clock.flush();
    await second.stop();
    expect(runs).toBe(2);
    const history = (await second.runs("tasks", "minutely")) ?? [];
    expect(history.map((h) => h.outcome)).toEqual(["success", "success"]);
  });
});
