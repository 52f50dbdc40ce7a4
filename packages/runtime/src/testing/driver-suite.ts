import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, InvalidValueError, NotFoundError } from "../errors/storage-errors.js";
import { bindCollection, collection } from "../storage/collection.js";
import type { Driver, DriverCapabilities, StoredRecord } from "../storage/driver.js";
import { batchCases } from "./suite/batch-cases.js";
import { listingCases } from "./suite/listing-cases.js";
import { lockCases } from "./suite/lock-cases.js";
import { opsCases } from "./suite/ops-cases.js";

/** Options of `driverSuite`. @public */
export interface DriverSuiteOptions {
  /** Shown in the describe title. */
  readonly name: string;
  /** A driver on a fresh, empty store (its own key prefix, schema or file). Called once per test. */
  readonly create: () => Driver | Promise<Driver>;
  /** What the driver must declare; capability-dependent cases run or skip on it. */
  readonly capabilities: DriverCapabilities;
  /** A second driver on the same store as `driver` (another connection or process view). */
  readonly connect?: (driver: Driver) => Driver | Promise<Driver>;
  /** Remove what the test left behind (drop the schema, delete the prefix). Runs after close. */
  readonly destroy?: (driver: Driver) => void | Promise<void>;
  /** Skip the whole suite with this reason (e.g. the service is not configured). */
  readonly skip?: string | false | undefined;
}

/** What case files receive: the driver of the running test and the suite options. @internal */
export interface SuiteContext {
  readonly options: DriverSuiteOptions;
  /** The driver of the running test (created and initialized before each test). */
  driver(): Driver;
  /** Another fresh, empty store, cleaned up with the test. */
  fresh(): Promise<Driver>;
  /** Another connection to the running test's store (only when `options.connect` is set). */
  connect(): Promise<Driver>;
}

/** A record for the raw-driver cases. @internal */
export const raw = (id: string, rev: number, body: Record<string, unknown> = {}): StoredRecord => ({
  id,
  rev,
  value: JSON.stringify({ id, rev, ...body }),
});

/** A loose collection for suite cases: any JSON fields, indexes on kind, color and n. @internal */
export const itemsDef = collection({
  prefix: "item",
  schema: v.looseObject({}),
  indexes: ["kind", "color", "n"],
});

/**
 * The conformance suite every storage driver passes: CRUD through the `Driver` interface and
 * through `bindCollection`, JSON fidelity, index listing and cursor pagination, conditional
 * writes, locks and fencing, counters, namespaces, scan, migrations and export/import.
 *
 * @example
 * // test/my-driver.test.ts
 * import { driverSuite } from "@valhalla/runtime/testing";
 * driverSuite({ name: "my-driver", create: () => myDriver(), capabilities: { locks: "process", indexes: "scan", durable: false } });
 * @public
 */
export function driverSuite(options: DriverSuiteOptions): void {
  describe.skipIf(!!options.skip)(`driverSuite(${options.name})`, () => {
    let current: Driver | undefined;
    let extra: { driver: Driver; own: boolean }[] = [];
    const ctx: SuiteContext = {
      options,
      driver: () => {
        if (!current) throw new Error("driverSuite: no driver for this test");
        return current;
      },
      async fresh() {
        const d = await options.create();
        await d.init();
        extra.push({ driver: d, own: true });
        return d;
      },
      async connect() {
        if (!options.connect) throw new Error("driverSuite: options.connect is not set");
        const d = await options.connect(ctx.driver());
        await d.init();
        extra.push({ driver: d, own: false });
        return d;
      },
    };
    beforeEach(async () => {
      current = await options.create();
      await current.init();
    });
    afterEach(async () => {
      for (const { driver, own } of extra.reverse()) {
        await driver.close();
        if (own) await options.destroy?.(driver);
      }
      extra = [];
      if (current) {
        await current.close();
        await options.destroy?.(current);
      }
      current = undefined;
    });

    it("should declare the capabilities it was registered with", () => {
      expect(ctx.driver().capabilities).toEqual(options.capabilities);
      expect(typeof ctx.driver().name).toBe("string");
    });

    describe("records through the Driver interface", () => {
      it("should insert with expectRev 0 and read the same record back", async () => {
        const d = ctx.driver();
        const rec = raw("a1", 1, { name: "first" });
        expect(await d.write("t.items", { record: rec, index: {}, expectRev: 0 })).toEqual({ ok: true });
        expect(await d.get("t.items", "a1")).toEqual(rec);
        expect(await d.get("t.items", "missing")).toBeNull();
        expect(await d.get("t.other", "a1")).toBeNull();
      });

      it("should refuse a second insert-if-absent with a conflict naming the current rev", async () => {
        const d = ctx.driver();
        await d.write("t.items", { record: raw("a1", 1), index: {}, expectRev: 0 });
        const again = await d.write("t.items", { record: raw("a1", 1, { x: 2 }), index: {}, expectRev: 0 });
        expect(again).toEqual({ ok: false, reason: "conflict", currentRev: 1 });
        expect(JSON.parse((await d.get("t.items", "a1"))!.value)).not.toHaveProperty("x");
      });

      it("should replace only at the expected rev", async () => {
        const d = ctx.driver();
        await d.write("t.items", { record: raw("a1", 1), index: {}, expectRev: 0 });
        expect(await d.write("t.items", { record: raw("a1", 2, { v: 2 }), index: {}, expectRev: 1 })).toEqual(
          {
            ok: true,
          },
        );
        const stale = await d.write("t.items", { record: raw("a1", 2, { v: 3 }), index: {}, expectRev: 1 });
        expect(stale).toEqual({ ok: false, reason: "conflict", currentRev: 2 });
        const missing = await d.write("t.items", { record: raw("zz", 4), index: {}, expectRev: 3 });
        expect(missing).toEqual({ ok: false, reason: "conflict", currentRev: 0 });
        expect(await d.get("t.items", "a1")).toEqual(raw("a1", 2, { v: 2 }));
        expect(await d.get("t.items", "zz")).toBeNull();
      });

      it("should let exactly one of 20 concurrent writers at the same rev win", async () => {
        const d = ctx.driver();
        await d.write("t.items", { record: raw("a1", 1), index: {}, expectRev: 0 });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            d.write("t.items", { record: raw("a1", 2, { by: i }), index: {}, expectRev: 1 }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === "conflict")).toHaveLength(19);
        expect(JSON.parse((await d.get("t.items", "a1"))!.value).by).toBe(winners[0]);
      });

      it("should remove only at the expected rev and report whether it removed", async () => {
        const d = ctx.driver();
        await d.write("t.items", { record: raw("a1", 1), index: { kind: "s:a" }, expectRev: 0 });
        expect(await d.remove("t.items", "a1", 5)).toEqual({ ok: false, reason: "conflict", currentRev: 1 });
        expect(await d.get("t.items", "a1")).not.toBeNull();
        expect(await d.remove("t.items", "a1", 1)).toEqual({ ok: true, removed: true });
        expect(await d.get("t.items", "a1")).toBeNull();
        expect(await d.list("t.items", { where: { kind: "s:a" }, limit: 10, order: "asc" })).toEqual([]);
        expect(await d.remove("t.items", "a1")).toEqual({ ok: true, removed: false });
        expect(await d.remove("t.items", "a1", 2)).toMatchObject({ ok: false, reason: "conflict" });
      });

      it("should keep the value text byte for byte", async () => {
        const d = ctx.driver();
        const value =
          '{"id":"b1","rev":1,"s":"123","big":9007199254740991,"u":"h\\u00e9llo \u{1F30D} 日本","f":0.1}';
        await d.write("t.items", { record: { id: "b1", rev: 1, value }, index: {}, expectRev: 0 });
        expect((await d.get("t.items", "b1"))!.value).toBe(value);
      });
    });

    describe("records through bindCollection", () => {
      const items = () =>
        bindCollection<Record<string, unknown>, "kind" | "color" | "n">(ctx.driver(), "t.items", itemsDef);

      it("should create, get, update and delete a record with rev and timestamps", async () => {
        const col = items();
        const made = await col.create({ kind: "a", qty: 1 });
        expect(made).toMatchObject({ kind: "a", qty: 1, rev: 1 });
        expect(made.id).toMatch(/^item_/);
        expect(made.created_at).toBe(made.updated_at);
        expect(await col.get(made.id)).toEqual(made);
        const patched = await col.update(made.id, { qty: 2 });
        expect(patched).toMatchObject({ kind: "a", qty: 2, rev: 2, created_at: made.created_at });
        const fn = await col.update(made.id, (cur) => ({ ...cur, qty: (cur.qty as number) + 10 }));
        expect(fn).toMatchObject({ qty: 12, rev: 3 });
        await expect(col.update(made.id, { qty: 0 }, { ifRev: 2 })).rejects.toBeInstanceOf(ConflictError);
        expect((await col.require(made.id)).qty).toBe(12);
        await expect(col.delete(made.id, { ifRev: 1 })).rejects.toBeInstanceOf(ConflictError);
        expect(await col.delete(made.id, { ifRev: 3 })).toBe(true);
        expect(await col.get(made.id)).toBeNull();
        await expect(col.require(made.id)).rejects.toBeInstanceOf(NotFoundError);
        expect(await col.delete(made.id)).toBe(false);
      });

      it("should keep JSON types: a numeric string, 2^53-1, unicode and nested objects", async () => {
        const col = items();
        const data = {
          code: "123",
          zero: "0",
          big: Number.MAX_SAFE_INTEGER,
          neg: -0.125,
          flag: false,
          nothing: null,
          text: "héllo 🌍 日本 \u200d ‮",
          nested: { list: [1, "2", { deep: [null, true, { x: "y" }] }], empty: {}, none: [] },
        };
        const made = await col.create(data);
        const back = await col.require(made.id);
        expect(back).toEqual(made);
        expect(typeof back.code).toBe("string");
        expect(back.code).toBe("123");
        expect(back.big).toBe(2 ** 53 - 1);
        expect(back.nested).toEqual(data.nested);
      });

      it("should reject NUL characters and lone surrogates before they reach the driver", async () => {
        const col = items();
        await expect(col.create({ name: "a\u0000b" })).rejects.toBeInstanceOf(InvalidValueError);
        await expect(col.create({ name: "\ud800" })).rejects.toBeInstanceOf(InvalidValueError);
        await expect(col.create({ big: 2 ** 53 })).rejects.toBeInstanceOf(InvalidValueError);
        await expect(col.create({ ok: 1 }, { id: "bad/id?x" })).rejects.toBeInstanceOf(InvalidValueError);
        expect(await col.count()).toBe(0);
      });
    });

    listingCases(ctx);
    batchCases(ctx);
    lockCases(ctx);
    opsCases(ctx);
  });
}
