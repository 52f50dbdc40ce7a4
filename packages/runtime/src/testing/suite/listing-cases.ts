import { describe, expect, it } from "vitest";
import { bindCollection } from "../../storage/collection.js";
import type { Driver } from "../../storage/driver.js";
import { itemsDef, type SuiteContext } from "../driver-suite.js";

const KINDS = ["a", "b", "c"] as const;
const COLORS = ["red", "blue"] as const;

/** 30 records with known ids so expected pages can be computed. */
async function seed(driver: Driver) {
  const col = bindCollection<Record<string, unknown>, "kind" | "color" | "n">(driver, "t.items", itemsDef);
  const rows = Array.from({ length: 30 }, (_, i) => ({
    id: `item_${String(i).padStart(3, "0")}`,
    kind: KINDS[i % 3]!,
    color: COLORS[i % 2]!,
    n: i % 5,
  }));
  await Promise.all(rows.map(({ id, ...data }) => col.create(data, { id })));
  return { col, rows };
}

/** Index listing, multi-field where, cursor pagination in both orders, counts. @internal */
export function listingCases(ctx: SuiteContext): void {
  describe("index listing and pagination", () => {
    it("should page through a multi-field where in ascending and descending order", async () => {
      const { col, rows } = await seed(ctx.driver());
      const expected = rows.filter((r) => r.kind === "a" && r.color === "red").map((r) => r.id);
      expect(expected.length).toBe(5);
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await col.list({ where: { kind: "a", color: "red" }, limit: 2, order, cursor });
          seen.push(...page.items.map((r) => r.id));
          for (const item of page.items) expect(item).toMatchObject({ kind: "a", color: "red" });
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual(order === "asc" ? expected : [...expected].reverse());
      }
    });

    it("should list a whole namespace in id order without a where", async () => {
      const { col, rows } = await seed(ctx.driver());
      const first = await col.list({ order: "asc", limit: 7 });
      expect(first.items.map((r) => r.id)).toEqual(rows.slice(0, 7).map((r) => r.id));
      const second = await col.list({ order: "asc", limit: 7, cursor: first.next_cursor! });
      expect(second.items.map((r) => r.id)).toEqual(rows.slice(7, 14).map((r) => r.id));
      const all: string[] = [];
      for await (const r of col.iterate({ order: "desc" })) all.push(r.id);
      expect(all).toEqual(rows.map((r) => r.id).reverse());
    });

    it("should keep numbers, strings and booleans apart in an index", async () => {
      const { col } = await seed(ctx.driver());
      await col.create({ n: "1" }, { id: "item_str" });
      const numeric = await col.list({ where: { n: 1 }, order: "asc", limit: 100 });
      expect(numeric.items.map((r) => r.id)).toEqual([
        "item_001",
        "item_006",
        "item_011",
        "item_016",
        "item_021",
        "item_026",
      ]);
      const text = await col.list({ where: { n: "1" }, order: "asc", limit: 100 });
      expect(text.items.map((r) => r.id)).toEqual(["item_str"]);
    });

    it("should move a record between index values on update and drop it on delete", async () => {
      const { col } = await seed(ctx.driver());
      await col.update("item_000", { kind: "z" });
      expect((await col.list({ where: { kind: "a" }, limit: 100 })).items.map((r) => r.id)).not.toContain(
        "item_000",
      );
      expect((await col.list({ where: { kind: "z" }, limit: 100 })).items.map((r) => r.id)).toEqual([
        "item_000",
      ]);
      await col.update("item_000", (cur) => {
        const { color: _drop, ...rest } = cur;
        return rest;
      });
      expect(await col.count({ kind: "z", color: "red" })).toBe(0);
      await col.delete("item_000");
      expect(await col.count({ kind: "z" })).toBe(0);
    });

    it("should count through indexes", async () => {
      const { col } = await seed(ctx.driver());
      expect(await col.count()).toBe(30);
      expect(await col.count({ kind: "b" })).toBe(10);
      expect(await col.count({ kind: "b", color: "blue" })).toBe(5);
      expect(await col.count({ kind: "b", color: "blue", n: 4 })).toBe(1);
      expect(await col.count({ kind: "nope" })).toBe(0);
    });

    it("should return an empty last page and no cursor past the end", async () => {
      const { col } = await seed(ctx.driver());
      const page = await col.list({ where: { kind: "c" }, limit: 10, order: "asc" });
      expect(page.items).toHaveLength(10);
      expect(page.next_cursor).toBeNull();
      const raw = await ctx.driver().list("t.items", {
        where: { kind: "s:c" },
        after: "item_029",
        limit: 5,
        order: "asc",
      });
      expect(raw).toEqual([]);
    });
  });
}
