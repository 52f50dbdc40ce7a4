import { describe, expect, it } from "vitest";
import { ConflictError, FencedError } from "../../errors/storage-errors.js";
import { bindCollection } from "../../storage/collection.js";
import type { Driver } from "../../storage/driver.js";
import { itemsDef, raw, type SuiteContext } from "../driver-suite.js";

const items = (d: Driver, opts = {}) =>
  bindCollection<Record<string, unknown>, "kind" | "color" | "n">(d, "t.items", itemsDef, opts);

/**
 * Batches: `writeMany` where the driver has it (all or nothing), and `Collection.createMany`
 * everywhere (all or nothing on batch drivers, one by one on the others).
 * @internal
 */
export function batchCases(ctx: SuiteContext): void {
  describe("batches", () => {
    it("should create many records with their indexes in one call", async () => {
      const col = items(ctx.driver());
      const made = await col.createMany(
        Array.from({ length: 250 }, (_, i) => ({ data: { kind: i % 2 ? "odd" : "even", n: i } })),
      );
      expect(made).toHaveLength(250);
      expect(await col.count()).toBe(250);
      expect(await col.count({ kind: "odd" })).toBe(125);
      expect(await col.require(made[7]!.id)).toEqual(made[7]);
      expect(await col.createMany([])).toEqual([]);
    });

    it("should commit nothing of a batch when one write conflicts, on drivers with writeMany", async () => {
      const d = ctx.driver();
      const col = items(d);
      await col.create({ kind: "old" }, { id: "item_taken" });
      const batch = [
        { data: { kind: "new" }, id: "item_a" },
        { data: { kind: "new" }, id: "item_taken" },
        { data: { kind: "new" }, id: "item_b" },
      ];
      const err = await col.createMany(batch).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).id).toBe("item_taken");
      if (d.writeMany) {
        expect(await col.count({ kind: "new" })).toBe(0);
        // A repeated id inside one batch conflicts too, and nothing of it lands.
        const twice = [
          { data: { kind: "dup" }, id: "item_c" },
          { data: { kind: "dup" }, id: "item_c" },
        ];
        await expect(col.createMany(twice)).rejects.toBeInstanceOf(ConflictError);
        expect(await col.get("item_c")).toBeNull();
        const res = await d.writeMany("t.items", [
          { record: raw("r1", 1), index: {}, expectRev: 0 },
          { record: raw("item_taken", 5), index: {}, expectRev: 4 },
        ]);
        expect(res).toEqual({ ok: false, reason: "conflict", currentRev: 1, failedAt: 1 });
        expect(await d.get("t.items", "r1")).toBeNull();
      } else {
        // One by one: the record before the conflict landed.
        expect(await col.count({ kind: "new" })).toBe(1);
      }
    });

    it("should refuse a batch guarded by a lost lease as a whole", async () => {
      const d = ctx.driver();
      const lease = (await d.acquire("batch-job", 5000))!;
      const col = items(d, { guard: lease });
      await col.createMany([{ data: { kind: "a" } }, { data: { kind: "b" } }]);
      expect(await d.leaseWrites?.("batch-job", lease.fence)).toMatchObject(
        d.leaseWrites ? { writes: 2 } : {},
      );
      await d.release(lease);
      await expect(col.createMany([{ data: { kind: "c" } }])).rejects.toBeInstanceOf(FencedError);
      expect(await items(d).count()).toBe(2);
    });
  });
}
