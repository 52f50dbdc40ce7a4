import { describe, expect, it } from "vitest";
import { definePack } from "../../pack/define-pack.js";
import type { PackContext } from "../../pack/types.js";
import { bindCollection } from "../../storage/collection.js";
import type { Driver } from "../../storage/driver.js";
import { exportDump, importDump } from "../../storage/dump.js";
import { migrationStatus, runMigrations } from "../../storage/migrations.js";
import { itemsDef, raw, type SuiteContext } from "../driver-suite.js";

const items = (d: Driver, ns = "t.items") =>
  bindCollection<Record<string, unknown>, "kind" | "color" | "n">(d, ns, itemsDef);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Namespaces, scan, migrations, export/import and cross-connection behaviour. @internal */
export function opsCases(ctx: SuiteContext): void {
  describe("namespaces and scan", () => {
    it("should list only namespaces that hold records", async () => {
      const d = ctx.driver();
      expect(await d.namespaces()).toEqual([]);
      await d.write("b.two", { record: raw("x1", 1), index: {}, expectRev: 0 });
      await d.write("a.one", { record: raw("x1", 1), index: {}, expectRev: 0 });
      expect(await d.namespaces()).toEqual(["a.one", "b.two"]);
      await d.remove("b.two", "x1");
      expect(await d.namespaces()).toEqual(["a.one"]);
    });

    it("should scan every record of one namespace in id order across pages", async () => {
      const d = ctx.driver();
      const ids = Array.from({ length: 520 }, (_, i) => `s${String(i).padStart(4, "0")}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids
            .slice(i, i + 50)
            .map((id) => d.write("t.scan", { record: raw(id, 1), index: {}, expectRev: 0 })),
        );
      }
      await d.write("t.else", { record: raw("s0000", 1), index: {}, expectRev: 0 });
      const seen = await collect(d.scan("t.scan"));
      expect(seen.map((r) => r.id)).toEqual(ids);
      expect(seen[7]).toEqual(raw("s0007", 1));
    });
  });

  describe("migrations", () => {
    it("should run pending migrations once under a lock, even when started twice at once", async () => {
      const d = ctx.driver();
      const runs: string[] = [];
      const pack = definePack({
        code: "suite-mig",
        version: "1.0.0",
        description: "Migration fixture",
        migrations: [
          {
            version: 1,
            name: "first",
            up: async () => {
              runs.push("first");
              await new Promise((r) => setTimeout(r, 50));
            },
          },
          { version: 2, name: "second", up: () => void runs.push("second") },
        ],
      });
      const contextOf = () => ({ pack: pack.code }) as unknown as PackContext;
      expect(await migrationStatus(d, [pack])).toEqual([{ pack: "suite-mig", current: 0, latest: 2 }]);
      const other = ctx.options.connect ? await ctx.connect() : d;
      const [a, b] = await Promise.all([
        runMigrations(d, [pack], contextOf),
        runMigrations(other, [pack], contextOf),
      ]);
      expect(runs).toEqual(["first", "second"]);
      expect([...a[0]!.applied, ...b[0]!.applied].sort()).toEqual([1, 2]);
      expect(await migrationStatus(d, [pack])).toEqual([{ pack: "suite-mig", current: 2, latest: 2 }]);
      expect(await runMigrations(d, [pack], contextOf)).toEqual([{ pack: "suite-mig", applied: [] }]);
      expect(runs).toHaveLength(2);
    });
  });

  describe("export and import", () => {
    it("should round-trip every record, rev and index into a fresh store", async () => {
      const src = ctx.driver();
      const col = items(src);
      const made = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          col.create({ kind: i % 2 ? "a" : "b", color: "red", n: i, code: `${i}` }),
        ),
      );
      await col.update(made[0]!.id, { color: "blue" });
      await col.update(made[0]!.id, { n: 99 });
      await items(src, "u.other").create({ kind: "a", note: "h\u00e9 🌍" });
      const indexes = new Map([
        ["t.items", ["kind", "color", "n"]],
        ["u.other", ["kind", "color", "n"]],
      ]);
      const lines = await collect(exportDump(src, { indexes }));
      expect(lines).toHaveLength(13);
      for (const line of lines) expect(line.endsWith("\n")).toBe(true);

      const dst = await ctx.fresh();
      // Half the lines without their index: import recomputes them from the declared collections.
      const stripped = lines.map((l, i) => {
        if (i % 2) return l;
        const { index: _drop, ...rest } = JSON.parse(l);
        return `${JSON.stringify(rest)}\n`;
      });
      expect(await importDump(dst, [stripped.join("")], { indexes })).toEqual({ records: 13 });
      expect(await dst.namespaces()).toEqual(await src.namespaces());
      for (const ns of await src.namespaces()) {
        const a = await collect(src.scan(ns));
        const b = await collect(dst.scan(ns));
        expect(b.map((r) => [r.id, r.rev, JSON.parse(r.value)])).toEqual(
          a.map((r) => [r.id, r.rev, JSON.parse(r.value)]),
        );
      }
      const copy = items(dst);
      expect((await copy.require(made[0]!.id)).rev).toBe(3);
      for (const where of [
        { kind: "a" },
        { kind: "b", color: "red" },
        { color: "blue" },
        { n: 99 },
        { n: 0 },
      ] as const) {
        const ids = async (c: typeof col) =>
          (await c.list({ where, limit: 100, order: "asc" })).items.map((r) => r.id);
        expect(await ids(copy)).toEqual(await ids(col));
      }
      expect(await copy.count({ n: 0 })).toBe(0);
      // Importing again replaces in place: nothing is duplicated and revs stay as dumped.
      await importDump(dst, lines, { indexes });
      expect(await copy.count()).toBe(12);
      expect((await copy.require(made[0]!.id)).rev).toBe(3);
    });
  });

  describe("another connection", () => {
    it.skipIf(!ctx.options.connect)("should see records written through another connection", async () => {
      const a = ctx.driver();
      const b = await ctx.connect();
      const made = await items(a).create({ kind: "a" });
      expect(await items(b).get(made.id)).toEqual(made);
      const stale = await b.write("t.items", { record: raw(made.id, 2), index: {}, expectRev: 5 });
      expect(stale).toEqual({ ok: false, reason: "conflict", currentRev: 1 });
    });

    it.skipIf(!ctx.options.connect || !ctx.options.capabilities.durable)(
      "should keep acknowledged writes after the driver is closed and reopened",
      async () => {
        const a = ctx.driver();
        const made = await items(a).create({ kind: "durable", code: "007" });
        const b = await ctx.connect();
        await a.close();
        expect(await items(b).require(made.id)).toEqual(made);
        expect(await items(b).count({ kind: "durable" })).toBe(1);
      },
    );
  });
}
