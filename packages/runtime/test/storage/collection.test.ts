import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConflictError, InvalidValueError, NotFoundError } from "../../src/errors/storage-errors.js";
import { definePack } from "../../src/pack/define-pack.js";
import { createRegistry } from "../../src/registry/create-registry.js";
import { type Collection, collection } from "../../src/storage/collection.js";
import memory from "../../src/storage/drivers/memory.js";

const quiet = { info() {}, warn() {}, error() {} };
const Item = v.object({ name: v.string(), color: v.string(), size: v.number() });
const mk = (code: string) =>
  definePack({
    code,
    version: "1.0.0",
    description: "",
    storage: { items: collection({ prefix: code, schema: Item, indexes: ["color", "size"] }) },
  });

type ItemT = v.InferOutput<typeof Item>;
const itemsOf = (ctx: { storage: Record<string, unknown> }) =>
  ctx.storage.items as Collection<ItemT, "color" | "size">;

function setup() {
  const driver = memory();
  const registry = createRegistry([mk("aa"), mk("bb")], { driver, log: quiet });
  return { driver, a: itemsOf(registry.context("aa")), b: itemsOf(registry.context("bb")) };
}

describe("collection", () => {
  it("should create records with a prefixed id, rev 1 and timestamps", async () => {
    const { a } = setup();
    const rec = await a.create({ name: "x", color: "red", size: 1 });
    expect(rec.id).toMatch(/^aa_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(rec).toMatchObject({ rev: 1, name: "x" });
    expect(rec.created_at).toBe(rec.updated_at);
    expect(await a.get(rec.id)).toEqual(rec);
  });

  it("should keep packs' records apart even with the same namespace name", async () => {
    const { a, b } = setup();
    const rec = await a.create({ name: "x", color: "red", size: 1 });
    expect(await b.get(rec.id)).toBeNull();
    expect((await b.list()).items).toEqual([]);
    expect(a.namespace).toBe("aa.items");
    expect(b.namespace).toBe("bb.items");
  });

  it("should bump rev on update and refuse a stale ifRev", async () => {
    const { a } = setup();
    const rec = await a.create({ name: "x", color: "red", size: 1 });
    const next = await a.update(rec.id, { color: "blue" }, { ifRev: 1 });
    expect(next).toMatchObject({ rev: 2, color: "blue", name: "x", created_at: rec.created_at });
    await expect(a.update(rec.id, { color: "green" }, { ifRev: 1 })).rejects.toThrowError(ConflictError);
    expect((await a.require(rec.id)).color).toBe("blue");
  });

  it("should apply concurrent unconditional updates without losing any", async () => {
    const { a } = setup();
    const rec = await a.create({ name: "", color: "red", size: 0 });
    await Promise.all(
      Array.from({ length: 50 }, () => a.update(rec.id, (cur) => ({ ...cur, size: cur.size + 1 }))),
    );
    expect((await a.require(rec.id)).size).toBe(50);
  });

  it("should list through indexes with cursor pagination in both orders", async () => {
    const { a } = setup();
    const made = [];
    for (let i = 0; i < 7; i++)
      made.push(await a.create({ name: `n${i}`, color: i % 2 ? "red" : "blue", size: i }));
    const reds = made.filter((r) => r.color === "red").map((r) => r.id);
    const p1 = await a.list({ where: { color: "red" }, limit: 2, order: "asc" });
    expect(p1.items.map((r) => r.id)).toEqual(reds.slice(0, 2));
    const p2 = await a.list({ where: { color: "red" }, limit: 2, order: "asc", cursor: p1.next_cursor! });
    expect(p2.items.map((r) => r.id)).toEqual(reds.slice(2));
    expect(p2.next_cursor).toBeNull();
    const desc = await a.list({ where: { color: "blue", size: 4 } });
    expect(desc.items.map((r) => r.name)).toEqual(["n4"]);
    expect((await a.list({ limit: 3 })).items.map((r) => r.name)).toEqual(["n6", "n5", "n4"]);
    expect(await a.count({ color: "blue" })).toBe(4);
  });

  it("should reject filters on undeclared fields, bad cursors and bad limits", async () => {
    const { a } = setup();
    await expect(a.list({ where: { name: "x" } as never })).rejects.toThrowError(
      "'name' is not an index of 'aa.items'",
    );
    await expect(a.list({ cursor: "%%%" })).rejects.toThrowError(InvalidValueError);
    await expect(a.list({ limit: 0 })).rejects.toThrowError("limit must be an integer from 1 to 500");
  });

  it("should reject values no driver can store faithfully", async () => {
    const { a } = setup();
    await expect(a.create({ name: "a\u0000b", color: "red", size: 1 })).rejects.toThrowError(
      "contains a NUL character",
    );
    await expect(a.create({ name: "\ud800", color: "red", size: 1 })).rejects.toThrowError("lone surrogate");
    await expect(a.create({ name: "x", color: "red", size: 2 ** 53 })).rejects.toThrowError("beyond 2^53");
    await expect(a.create({ name: 5 as unknown as string, color: "red", size: 1 })).rejects.toThrowError(
      InvalidValueError,
    );
  });

  it("should treat unsafe ids as absent instead of turning them into keys", async () => {
    const { a } = setup();
    for (const id of ["../x", "a/b", "a?b", "a:b", "", "x".repeat(200)]) expect(await a.get(id)).toBeNull();
    await expect(a.require("a/b")).rejects.toThrowError(NotFoundError);
  });

  it("should delete only at the expected rev", async () => {
    const { a } = setup();
    const rec = await a.create({ name: "x", color: "red", size: 1 });
    await expect(a.delete(rec.id, { ifRev: 9 })).rejects.toThrowError(ConflictError);
    expect(await a.delete(rec.id, { ifRev: 1 })).toBe(true);
    expect(await a.delete(rec.id)).toBe(false);
    expect(await a.count()).toBe(0);
  });

  it("should not commit once its signal has aborted", async () => {
    const driver = memory();
    const registry = createRegistry([mk("aa")], { driver, log: quiet });
    const ac = new AbortController();
    const items = itemsOf(registry.context("aa", { signal: ac.signal }));
    ac.abort(new Error("timed out"));
    await expect(items.create({ name: "x", color: "red", size: 1 })).rejects.toThrowError("timed out");
    expect(await registry.context("aa").storage.items!.count()).toBe(0);
  });
});
