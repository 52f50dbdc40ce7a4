import { describe, expect, it } from "vitest";
import { bindCollection, collection } from "../../src/storage/collection.js";
import memory from "../../src/storage/drivers/memory.js";
import {
  afterWrite,
  cachedByGeneration,
  GenerationRecord,
  type GenerationStore,
} from "../../src/storage/generation-cache.js";

const def = collection({ prefix: "gen", schema: GenerationRecord });
const storeOn = (ns: string): GenerationStore => bindCollection(memory(), ns, def) as GenerationStore;
const now = new Date("2026-01-01T00:00:00Z");

describe("generation cache", () => {
  it("should compute once per generation and again after a write", async () => {
    const store = storeOn("t.meta");
    let computed = 0;
    const read = () =>
      cachedByGeneration(
        store,
        now,
        "k",
        () => 1,
        async () => ({ n: ++computed }),
      );
    expect(await read()).toEqual({ n: 1 });
    expect(await read()).toEqual({ n: 1 });
    await afterWrite(store, async () => undefined);
    expect(await read()).toEqual({ n: 2 });
    expect(Object.isFrozen(await read())).toBe(true);
  });

  it("should bump the generation even when the write throws", async () => {
    const store = storeOn("t2.meta");
    let computed = 0;
    const read = () =>
      cachedByGeneration(
        store,
        now,
        "k",
        () => 1,
        async () => ++computed,
      );
    await read();
    await expect(afterWrite(store, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await read()).toBe(2);
  });

  it("should never share entries between two stores with the same namespace", async () => {
    const a = storeOn("same.meta");
    const b = storeOn("same.meta");
    expect(
      await cachedByGeneration(
        a,
        now,
        "k",
        () => 1,
        async () => "a",
      ),
    ).toBe("a");
    expect(
      await cachedByGeneration(
        b,
        now,
        "k",
        () => 1,
        async () => "b",
      ),
    ).toBe("b");
  });

  it("should expire entries after five minutes", async () => {
    const store = storeOn("t3.meta");
    let computed = 0;
    const at = (ms: number) =>
      cachedByGeneration(
        store,
        new Date(now.getTime() + ms),
        "k",
        () => 1,
        async () => ++computed,
      );
    await at(0);
    expect(await at(4 * 60_000)).toBe(1);
    expect(await at(5 * 60_000)).toBe(2);
  });
});
