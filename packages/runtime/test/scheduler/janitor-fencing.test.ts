/**
 * Issue #21: the janitor used to declare a run `interrupted` from the history entry's copy of the
 * lease expiry, which the heartbeat updates only after renewing the real lease. A run whose event
 * loop stalled between the two could be declared dead while its lease was still valid, and then
 * commit a fenced write. These tests reproduce that window deterministically (manual clock, a gate
 * on the stalled replica's history writes) on memory and SQLite.
 */
import { describe, expect, it } from "vitest";
import { FencedError } from "../../src/errors/storage-errors.js";
import type { JobDef } from "../../src/pack/types.js";
import { manualClock } from "../../src/scheduler/clock.js";
import { JOB_RUNS_NS } from "../../src/scheduler/history.js";
import type { Driver } from "../../src/storage/driver.js";
import memory from "../../src/storage/drivers/memory.js";
import sqlite from "../../src/storage/drivers/sqlite.js";
import { rig } from "./harness.js";

const START = Date.parse("2026-01-10T12:00:00.000Z");
const TTL = 5000; // the rig's lease TTL: heartbeat every 1000 ms, janitor every 500 ms

/** `inner`, except that history writes wait while the gate is closed (a stalled event loop). */
function gated(inner: Driver) {
  let open: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  let held = 0;
  const driver: Driver = {
    ...inner,
    write: async (ns, req) => {
      if (ns === JOB_RUNS_NS && gate) {
        held++;
        await gate;
      }
      return inner.write(ns, req);
    },
  };
  return {
    driver,
    held: () => held,
    close() {
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
    open() {
      open?.();
      gate = null;
    },
  };
}

const stores: [string, (now: () => number) => Driver][] = [
  ["memory", (now) => memory({ now })],
  ["sqlite", (now) => sqlite({ path: ":memory:", now })],
];

describe.each(stores)("janitor fences before it declares (%s)", (_name, makeStore) => {
  /** Replica `a` runs a job that writes once, waits for `go`, then writes again; `b` runs the janitor. */
  const setup = async () => {
    const clock = manualClock(START);
    const store = makeStore(clock.now);
    await store.init();
    let go!: () => void;
    const proceed = new Promise<void>((r) => {
      go = r;
    });
    let secondWrite: unknown = "not attempted";
    const jobs: JobDef<any>[] = [
      {
        name: "tick",
        cron: "0 0 1 1 *",
        run: async (ctx) => {
          await ctx.storage.effects.create({ tick: ctx.tickId, note: "first" });
          await proceed;
          try {
            await ctx.storage.effects.create({ tick: ctx.tickId, note: "second" });
            secondWrite = "committed";
          } catch (err) {
            secondWrite = err;
          }
        },
      },
    ];
    const r = rig(jobs, { start: "", clock, driver: store });
    const stall = gated(store);
    const a = r.replica("a", { driver: stall.driver });
    const b = r.replica("b");
    const started = await a.trigger("tasks", "tick");
    if (!started.ok) throw new Error("trigger failed");
    await clock.flush();
    await b.start();
    return { clock, store, stall, a, b, r, go, started, secondWrite: () => secondWrite };
  };

  it("should leave a stalled run alone while its real lease is valid, and record its writes as success", async () => {
    const t = await setup();
    // a's event loop stalls right after its first heartbeat renewed the lease (to START + 6000)
    // and before it could update the history entry's copy (still START + 5000).
    t.stall.close();
    await t.clock.advance(1000);
    expect(t.stall.held()).toBe(1);
    // The copy has expired, the real lease has not: the janitor must not declare the run dead.
    await t.clock.advance(TTL - 1000 + 200);
    const [during] = (await t.b.runs("tasks", "tick")) ?? [];
    expect(during).toMatchObject({ outcome: null, lease_expires_at: new Date(START + TTL).toISOString() });
    // The run resumes within its lease: its second write commits, and so does its result.
    t.go();
    t.stall.open();
    await t.clock.advance(100);
    const done = await t.started.done;
    expect(t.secondWrite()).toBe("committed");
    expect(done).toMatchObject({ outcome: "success", committed_writes: 2 });
    expect(await t.store.count("tasks.effects")).toBe(2);
    expect(t.r.log.lines.some((l) => l.msg === "job run interrupted")).toBe(false);
    await t.b.stop();
    await t.store.close();
  });

  it("should take the lease before marking a dead run interrupted, so the run's late write is fenced", async () => {
    const t = await setup();
    t.stall.close();
    await t.clock.advance(1000); // renewed to START + 6000, copy stuck at START + 5000
    await t.clock.advance(TTL + 100); // past the real expiry: the janitor takes the lease over
    const [marked] = (await t.b.runs("tasks", "tick")) ?? [];
    // One write committed before the stall, and none can follow: the count is exact.
    expect(marked).toMatchObject({ outcome: "interrupted", replica: "a", committed_writes: 1 });
    t.go();
    t.stall.open();
    await t.clock.advance(1000);
    expect(await t.started.done).toBeNull(); // a's own result is discarded
    expect(t.secondWrite()).toBeInstanceOf(FencedError);
    expect(await t.store.count("tasks.effects")).toBe(1);
    const [after] = (await t.b.runs("tasks", "tick")) ?? [];
    expect(after).toEqual(marked);
    await t.b.stop();
    await t.store.close();
  });

  it("should mark a run superseded by a later grant without waiting for that grant to end", async () => {
    const t = await setup();
    t.stall.close();
    await t.b.stop(); // no janitor yet: let the lease lapse and be granted to someone else first
    await t.clock.advance(1000 + TTL + 100);
    const newer = await t.store.acquire("job:tasks:tick", 60_000);
    expect(newer).not.toBeNull();
    const c = t.r.replica("c");
    expect(await c.sweep()).toBe(1);
    const [marked] = (await c.runs("tasks", "tick")) ?? [];
    expect(marked).toMatchObject({ outcome: "interrupted", committed_writes: 1 });
    t.go();
    t.stall.open();
    await t.clock.advance(1000);
    expect(t.secondWrite()).toBeInstanceOf(FencedError);
    expect(await t.store.count("tasks.effects")).toBe(1);
    await t.store.release(newer!);
    await t.store.close();
  });
});
