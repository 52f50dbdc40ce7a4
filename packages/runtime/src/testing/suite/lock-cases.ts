import { describe, expect, it } from "vitest";
import { FencedError } from "../../errors/storage-errors.js";
import { bindCollection } from "../../storage/collection.js";
import type { Driver } from "../../storage/driver.js";
import { itemsDef, raw, type SuiteContext } from "../driver-suite.js";

/**
 * Wait until the store's own clock (the one its leases and windows expire by) is past `t`. A
 * condition, not a guessed duration: on a loaded machine it simply takes longer.
 */
async function waitPast(d: Driver, t: number): Promise<void> {
  while ((await d.now()) <= t) await new Promise((r) => setTimeout(r, 25));
}

/** Locks, fencing guards, counters and the store clock. @internal */
export function lockCases(ctx: SuiteContext): void {
  describe("locks and fencing", () => {
    it("should grant a lock to one holder and release it only for its token", async () => {
      const d = ctx.driver();
      const lease = await d.acquire("job", 5000);
      expect(lease).toMatchObject({ key: "job" });
      expect(lease!.token.length).toBeGreaterThan(0);
      expect(await d.acquire("job", 5000)).toBeNull();
      expect(await d.release({ ...lease!, token: "not-the-owner" })).toBe(false);
      expect(await d.acquire("job", 5000)).toBeNull();
      expect(await d.release(lease!)).toBe(true);
      expect(await d.release(lease!)).toBe(false);
      const next = await d.acquire("job", 5000);
      expect(next!.fence).toBeGreaterThan(lease!.fence);
      expect(await d.acquire("other", 5000)).not.toBeNull();
    });

    it("should extend only the owner's live lease", async () => {
      const d = ctx.driver();
      // TTLs here are generous so a loaded machine cannot expire a lease the test expects held.
      const lease = (await d.acquire("job", 1000))!;
      const now = await d.now();
      expect(lease.expiresAt).toBeGreaterThan(now - 50);
      const longer = await d.extend(lease, 5000);
      expect(longer!.expiresAt).toBeGreaterThan(lease.expiresAt);
      expect(longer!.fence).toBe(lease.fence);
      expect(await d.extend({ ...lease, token: "thief" }, 5000)).toBeNull();
      await waitPast(d, lease.expiresAt); // the original expiry has passed; the extension holds
      expect(await d.acquire("job", 1000)).toBeNull();
    });

    it("should let a lock expire, hand it on with a higher fence and refuse the old holder", async () => {
      const d = ctx.driver();
      const old = (await d.acquire("job", 150))!;
      await waitPast(d, old.expiresAt);
      const taken = await d.acquire("job", 5000);
      expect(taken).not.toBeNull();
      expect(taken!.fence).toBeGreaterThan(old.fence);
      expect(await d.extend(old, 5000)).toBeNull();
      expect(await d.release(old)).toBe(false);
      expect(await d.acquire("job", 5000)).toBeNull();
    });

    it("should hand out strictly increasing fences", async () => {
      const d = ctx.driver();
      const fences: number[] = [];
      for (let i = 0; i < 10; i++) {
        const lease = (await d.acquire("seq", 5000))!;
        fences.push(lease.fence);
        expect(await d.release(lease)).toBe(true);
      }
      for (let i = 1; i < fences.length; i++) expect(fences[i]!).toBeGreaterThan(fences[i - 1]!);
    });

    it("should reject a write or delete guarded by a stale lease as fenced", async () => {
      const d = ctx.driver();
      const old = (await d.acquire("job", 150))!;
      expect(await d.write("t.items", { record: raw("g1", 1), index: {}, expectRev: 0, guard: old })).toEqual(
        {
          ok: true,
        },
      );
      await waitPast(d, old.expiresAt);
      expect(await d.write("t.items", { record: raw("g2", 1), index: {}, expectRev: 0, guard: old })).toEqual(
        {
          ok: false,
          reason: "fenced",
        },
      );
      const fresh = (await d.acquire("job", 5000))!;
      expect(await d.write("t.items", { record: raw("g1", 2), index: {}, expectRev: 1, guard: old })).toEqual(
        {
          ok: false,
          reason: "fenced",
        },
      );
      expect(await d.remove("t.items", "g1", undefined, old)).toEqual({ ok: false, reason: "fenced" });
      expect(await d.get("t.items", "g2")).toBeNull();
      expect(
        await d.write("t.items", { record: raw("g1", 2), index: {}, expectRev: 1, guard: fresh }),
      ).toEqual({
        ok: true,
      });
      await d.release(fresh);
      expect(
        await d.write("t.items", { record: raw("g1", 3), index: {}, expectRev: 2, guard: fresh }),
      ).toEqual({
        ok: false,
        reason: "fenced",
      });
    });

    it("should throw FencedError from a collection bound to a lost lease", async () => {
      const d = ctx.driver();
      const lease = (await d.acquire("job", 5000))!;
      const col = bindCollection<Record<string, unknown>, string>(d, "t.items", itemsDef, { guard: lease });
      const made = await col.create({ kind: "a" });
      await d.release(lease);
      await expect(col.update(made.id, { kind: "b" })).rejects.toBeInstanceOf(FencedError);
      await expect(col.delete(made.id)).rejects.toBeInstanceOf(FencedError);
      expect((await d.get("t.items", made.id))!.rev).toBe(1);
    });

    it("should count committed guarded writes per grant, leaving out uncounted and rejected ones", async () => {
      const d = ctx.driver();
      // Every bundled driver counts; a third-party one without leaseWrites fails here on purpose.
      expect(d.leaseWrites).toBeTypeOf("function");
      if (!d.leaseWrites) return;
      const first = (await d.acquire("tally", 5000))!;
      const w = (id: string, rev: number, guard = first, uncounted = false) =>
        d.write("t.items", { record: raw(id, rev), index: {}, expectRev: rev - 1, guard, uncounted });
      expect(await w("c1", 1)).toEqual({ ok: true });
      expect(await w("c1", 2)).toEqual({ ok: true });
      expect((await w("c1", 1)).ok).toBe(false); // conflict: not committed, not counted
      expect(await w("c2", 1, first, true)).toEqual({ ok: true }); // bookkeeping write
      expect(await d.remove("t.items", "c2", undefined, first)).toMatchObject({ ok: true, removed: true });
      expect(await d.remove("t.items", "c2", undefined, first)).toMatchObject({ ok: true, removed: false });
      expect(await d.leaseWrites("tally", first.fence)).toEqual({ currentFence: first.fence, writes: 3 });
      await d.release(first);
      // Released: the grant's count is final, later writes under it are fenced and not counted.
      expect((await w("c3", 1)).ok).toBe(false);
      const second = (await d.acquire("tally", 5000))!;
      expect(await w("c4", 1, second)).toEqual({ ok: true });
      expect(await d.leaseWrites("tally", first.fence)).toEqual({ currentFence: second.fence, writes: 3 });
      expect(await d.leaseWrites("tally", second.fence)).toEqual({ currentFence: second.fence, writes: 1 });
      expect(await d.leaseWrites("never-taken", 1)).toEqual({ currentFence: 0, writes: 0 });
      await d.release(second);
    });

    it.skipIf(!ctx.options.connect || ctx.options.capabilities.locks !== "cluster")(
      "should exclude holders on another connection to the same store",
      async () => {
        const a = ctx.driver();
        const b = await ctx.connect();
        const lease = (await a.acquire("shared", 5000))!;
        expect(await b.acquire("shared", 5000)).toBeNull();
        expect(await b.release({ ...lease, token: "b" })).toBe(false);
        expect(await a.release(lease)).toBe(true);
        const next = (await b.acquire("shared", 5000))!;
        expect(next.fence).toBeGreaterThan(lease.fence);
      },
    );
  });

  describe("counters and clock", () => {
    it("should count hits in a fixed window and start a new window after it", async () => {
      const d = ctx.driver();
      const first = await d.incr("rate", 1000);
      expect(first.count).toBe(1);
      const second = await d.incr("rate", 1000);
      expect(second).toEqual({ count: 2, resetAt: expect.any(Number) });
      expect(Math.abs(second.resetAt - first.resetAt)).toBeLessThanOrEqual(5);
      expect((await d.incr("other", 1000)).count).toBe(1);
      await waitPast(d, first.resetAt);
      const fresh = await d.incr("rate", 1000);
      expect(fresh.count).toBe(1);
      expect(fresh.resetAt).toBeGreaterThan(first.resetAt);
    });

    it("should count concurrent hits exactly", async () => {
      const d = ctx.driver();
      const counts = await Promise.all(Array.from({ length: 25 }, () => d.incr("burst", 10_000)));
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    it("should tell the store's time close to this machine's", async () => {
      expect(Math.abs((await ctx.driver().now()) - Date.now())).toBeLessThan(5000);
    });
  });
}
