/**
 * Issue #21: after every replica was down for several periods of a per-second job, the
 * `catch-up-once` run used to lose the job's lease to the first regular slot and be recorded
 * `skipped-overlap` (6 of 7 trials). It must run exactly once; colliding regular slots are the
 * ones skipped.
 */
import { describe, expect, it } from "vitest";
import { rig, sleep } from "./harness.js";

const SECOND = 1000;

/** One trial: r1 runs 3 s, every replica is down 12 s, then `replicas` start at the same instant. */
async function trial(startOffsetMs: number, replicas: number) {
  const r = rig(
    [
      {
        name: "every-second",
        cron: "* * * * * *",
        missed: "catch-up-once",
        // Longer than a period, so the catch-up run does collide with the next regular slot.
        run: () => sleep(r.clock, 1300),
      },
    ],
    {
      start: new Date(Date.parse("2026-01-10T12:00:00.000Z") + startOffsetMs).toISOString(),
      missedGraceMs: SECOND,
    },
  );
  await r.scheduler.start();
  await r.clock.advance(3 * SECOND);
  const stopping = r.scheduler.stop(5 * SECOND);
  await r.clock.advance(2 * SECOND);
  await stopping;
  const downFrom = r.clock.now();
  await r.clock.advance(12 * SECOND);
  const restartedAt = r.clock.now();
  const up = Array.from({ length: replicas }, (_, i) => r.replica(`up${i}`, { missedGraceMs: SECOND }));
  await Promise.all(up.map((s) => s.start()));
  await r.clock.advance(5 * SECOND);
  const done = Promise.all(up.map((s) => s.stop(5 * SECOND)));
  await r.clock.advance(5 * SECOND);
  await done;
  const history = ((await up[0]!.runs("tasks", "every-second")) ?? []).reverse();
  // The catch-up slot: the newest one at or before restart − grace, which no regular timer owns.
  const catchUpSlot = new Date(Math.floor((restartedAt - SECOND) / SECOND) * SECOND).toISOString();
  const afterDowntime = history.filter((h) => Date.parse(h.slot) > downFrom);
  return { history, afterDowntime, catchUpSlot, log: r.log };
}

describe("catch-up-once after every replica was down (S5, issue #21)", () => {
  it("should run the catch-up exactly once with success and skip the colliding regular slots, in 10 trials", async () => {
    const tally: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      // Restart at a different point of the second each time, on 1 to 3 replicas.
      const { afterDowntime, catchUpSlot } = await trial(i * 97, 1 + (i % 3));
      const catchUp = afterDowntime.filter((h) => h.slot === catchUpSlot);
      expect(catchUp, `trial ${i}`).toHaveLength(1);
      expect(catchUp[0]!.outcome, `trial ${i}`).toBe("success");
      expect(afterDowntime[0]!.slot, `trial ${i}: the catch-up is the first entry after the downtime`).toBe(
        catchUpSlot,
      );
      // Exactly one entry per slot from the catch-up on, and regular slots resume.
      const slots = afterDowntime.map((h) => h.slot);
      expect(new Set(slots).size, `trial ${i}`).toBe(slots.length);
      const regular = afterDowntime.slice(1);
      expect(regular[0]!.outcome, `trial ${i}: slot right after the catch-up`).toBe("skipped-overlap");
      expect(
        regular.some((h) => h.outcome === "success"),
        `trial ${i}`,
      ).toBe(true);
      for (const h of afterDowntime) tally[h.outcome!] = (tally[h.outcome!] ?? 0) + 1;
    }
    expect(tally.success).toBeGreaterThanOrEqual(10);
  });

  it("should wait out a dead run's lease, then run the catch-up once before regular slots resume", async () => {
    const r = rig(
      [
        {
          name: "every-second",
          cron: "* * * * * *",
          missed: "catch-up-once",
          run: () => sleep(r.clock, 300),
        },
      ],
      { start: "2026-01-10T12:00:00.500Z", missedGraceMs: SECOND },
    );
    await r.scheduler.start();
    await r.clock.advance(3 * SECOND);
    await r.scheduler.stop();
    await r.clock.advance(12 * SECOND);
    // A run killed just before the outage still holds the job's 5 s lease at restart (12:00:15.5).
    const dead = await r.driver.acquire("job:tasks:every-second", 5 * SECOND);
    expect(dead).not.toBeNull();
    const up = [r.replica("x", { missedGraceMs: SECOND }), r.replica("y", { missedGraceMs: SECOND })];
    await Promise.all(up.map((s) => s.start()));
    const restart = r.clock.now();
    const since = async () =>
      ((await up[0]!.runs("tasks", "every-second")) ?? []).filter((h) => Date.parse(h.started_at) >= restart);
    await r.clock.advance(4 * SECOND);
    // Still waiting for the dead lease: nothing claimed, nothing recorded since the restart.
    expect(await since()).toEqual([]);
    await r.clock.advance(4 * SECOND);
    const done = Promise.all(up.map((s) => s.stop(5 * SECOND)));
    await r.clock.advance(SECOND);
    await done;
    const history = (await since()).reverse();
    // The catch-up (12:00:14) ran once, as soon as the dead lease expired, under the next fence;
    // slots that passed while every replica waited are recorded once each as missed; the regular
    // slot that collided with the catch-up is the one skipped; then every slot runs again.
    expect(history.map((h) => `${h.slot.slice(17, 19)} ${h.outcome}`)).toEqual([
      "14 success",
      "15 skipped-missed",
      "16 skipped-missed",
      "17 skipped-missed",
      "18 skipped-missed",
      "19 skipped-missed",
      "20 skipped-overlap",
      "21 success",
      "22 success",
      "23 success",
    ]);
    expect(history[0]!.started_at).toBe(new Date(dead!.expiresAt).toISOString());
    expect(history[0]!.fence).toBe(dead!.fence + 1);
  });
});
