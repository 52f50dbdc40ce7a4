import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { definePack, route } from "../../src/pack/define-pack.js";
import type { AnyPack } from "../../src/pack/types.js";
import { CODES } from "../../src/registry/codes.js";
import { createRegistry } from "../../src/registry/create-registry.js";
import { formatReport, RegistryError } from "../../src/registry/format-report.js";
import { collection } from "../../src/storage/collection.js";
import memory from "../../src/storage/drivers/memory.js";
import { alpha, brokenSets } from "../fixtures/broken-packs.js";

const quiet = { info() {}, warn() {}, error() {} };
const validate = (packs: AnyPack[], options: Record<string, unknown> = {}) =>
  createRegistry(packs, { log: quiet, ...options }).validate();

describe("createRegistry().validate", () => {
  it("should report ok for a valid pack set", async () => {
    const report = await validate([alpha]);
    expect(report.ok).toBe(true);
    expect(report.issues).toEqual([]);
    expect(report.packs[0]).toMatchObject({ code: "alpha", version: "1.2.0", provides: ["alpha.pinger"] });
  });

  for (const [code, fixture] of Object.entries(brokenSets)) {
    it(`should report ${code}`, async () => {
      const report = await validate(fixture.packs, fixture.options);
      const issue = report.issues.find((i) => i.code === code);
      expect(issue, JSON.stringify(report.issues)).toBeDefined();
      expect(issue!.severity).toBe(CODES[code as keyof typeof CODES].severity);
      expect(issue!.hint).toBe(CODES[code as keyof typeof CODES].hint);
      expect(report.ok).toBe(!report.issues.some((i) => i.severity === "error"));
    });
  }

  it("should name both owners of a conflicting route", async () => {
    const report = await validate(brokenSets.E_ROUTE_CONFLICT!.packs, brokenSets.E_ROUTE_CONFLICT!.options);
    expect(report.issues.find((i) => i.code === "E_ROUTE_CONFLICT")!.message).toBe(
      "Route 'GET /jobs' is declared by both 'host' and 'jobs'",
    );
  });

  it("should order routes so a static segment is tried before a parameter", () => {
    const routes = createRegistry([
      definePack({
        code: "deals",
        version: "1.0.0",
        description: "",
        routes: [
          route({ method: "GET", path: "/:id", summary: "", scope: "read", handler: () => 1 }),
          route({ method: "GET", path: "/:id/log", summary: "", scope: "read", handler: () => 1 }),
          route({ method: "GET", path: "/board", summary: "", scope: "read", handler: () => 1 }),
          route({ method: "GET", path: "/:id/board", summary: "", scope: "read", handler: () => 1 }),
        ],
      }),
    ]).routes.map((r) => r.path);
    // Same shape: declaration order is kept.
    expect(routes).toEqual(["/deals/board", "/deals/:id", "/deals/:id/log", "/deals/:id/board"]);
  });

  it("should write a cycle as a path", async () => {
    const report = await validate(brokenSets.E_DEP_CYCLE!.packs);
    const cycles = report.issues.filter((i) => i.code === "E_DEP_CYCLE");
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message).toBe("Dependency cycle: 'one' -> 'two' -> 'one'");
  });

  it("should report every problem at once", async () => {
    const packs = [
      ...brokenSets.E_REQUIRE_MISSING!.packs,
      ...brokenSets.E_JOB_CRON_INVALID!.packs,
      ...brokenSets.E_ID_PREFIX_CONFLICT!.packs,
    ];
    const report = await validate(packs);
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.code).sort()).toEqual(
      expect.arrayContaining(["E_ID_PREFIX_CONFLICT", "E_JOB_CRON_INVALID", "E_REQUIRE_MISSING"]),
    );
    const text = formatReport(report);
    expect(text).toMatch(/^Registry validation failed with 3 errors:/);
    expect(text).toContain("E_REQUIRE_MISSING [needy] Requires pack 'ghost'");
    expect(new RegistryError(report).report).toBe(report);
  });

  it("should warn when the driver has no native indexes", async () => {
    const scanning = {
      ...memory(),
      capabilities: { locks: "process", indexes: "scan", durable: false },
    } as const;
    const report = await validate([alpha], { driver: scanning });
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: "W_INDEX_SCAN", pack: "alpha", severity: "warning" }),
    );
    expect(report.issues.find((i) => i.code === "W_INDEX_SCAN")!.message).toContain("'alpha.items'");
    expect(report.ok).toBe(true);
  });

  it("should report pending migrations, run them once, then report data newer than the code", async () => {
    const driver = memory();
    const calls: number[] = [];
    const make = (versions: number[]) =>
      definePack({
        code: "migr",
        version: "1.0.0",
        description: "",
        storage: { rows: collection({ prefix: "row", schema: v.object({ n: v.number() }) }) },
        migrations: versions.map((n) => ({ version: n, name: `m${n}`, up: async () => void calls.push(n) })),
      });
    const registry = createRegistry([make([1, 2])], { driver, log: quiet });
    expect((await registry.validate()).issues).toContainEqual(
      expect.objectContaining({ code: "W_MIGRATIONS_PENDING" }),
    );
    expect(await registry.migrate()).toEqual([{ pack: "migr", applied: [1, 2] }]);
    expect(await registry.migrate()).toEqual([{ pack: "migr", applied: [] }]);
    expect(calls).toEqual([1, 2]);
    expect((await registry.validate()).issues).toEqual([]);
    const older = await createRegistry([make([1])], { driver, log: quiet }).validate();
    expect(older.issues).toContainEqual(expect.objectContaining({ code: "E_STORAGE_AHEAD", pack: "migr" }));
  });

  it("should pass a pack's own validate() issues through with its code", async () => {
    const pack = definePack({
      code: "selfcheck",
      version: "1.0.0",
      description: "",
      validate: () => [{ severity: "warning", code: "W_SELF", message: "heads up", hint: "do x" }],
    });
    const report = await validate([pack]);
    expect(report.issues).toEqual([
      { severity: "warning", code: "W_SELF", pack: "selfcheck", message: "heads up", hint: "do x" },
    ]);
  });
});

describe("createRegistry().context", () => {
  it("should give each pack only its own namespaces and typed services of its requirements", async () => {
    const registry = createRegistry([alpha], { log: quiet });
    const ctx = registry.context("alpha");
    expect(Object.keys(ctx.storage)).toEqual(["items"]);
    expect(ctx.storage.items!.namespace).toBe("alpha.items");
  });

  it("should read a context's signal only when the pack reads it, as an own property a spread keeps", () => {
    const registry = createRegistry([alpha], { log: quiet });
    let reads = 0;
    const made: AbortController[] = [];
    // The host's options: a getter that makes the signal on first read.
    const lazy = () => ({
      get signal() {
        reads++;
        const c = new AbortController();
        made.push(c);
        return c.signal;
      },
    });
    const first = registry.context("alpha", lazy());
    const second = registry.context("alpha", lazy());
    expect(reads).toBe(0);

    expect(Object.keys(first)).toContain("signal");
    const signal = first.signal;
    expect(reads).toBe(1);
    expect(signal).toBe(made[0]!.signal);
    // A handler passing `{ ...ctx }` on keeps the request's signal, not another context's.
    const copy = { ...second };
    expect(copy.signal).toBe(made[1]!.signal);
    made[1]!.abort(new Error("gone"));
    expect(copy.signal?.aborted).toBe(true);
    expect(first.signal).not.toBe(copy.signal);
  });

  it("should give a context without a signal option no signal", () => {
    const registry = createRegistry([alpha], { log: quiet });
    const ctx = registry.context("alpha", { abort: { aborted: false, reason: undefined } });
    expect("signal" in ctx).toBe(false);
    expect(ctx.signal).toBeUndefined();
  });
});
