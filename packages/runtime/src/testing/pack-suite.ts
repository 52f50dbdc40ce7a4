import { describe, expect, it } from "vitest";
import type { ServiceRef } from "../pack/service-ref.js";
import type { AnyPack, Logger, PackContext } from "../pack/types.js";
import { createRegistry, type Registry } from "../registry/create-registry.js";
import { formatReport } from "../registry/format-report.js";
import memory from "../storage/drivers/memory.js";
import { MIGRATIONS_NS } from "../storage/migrations.js";
import { briefProblems, contractProblems, issueProblems, jobProblems, routeProblems } from "./pack-checks.js";
import { type RecordingDriver, recordingDriver } from "./recording-driver.js";

/** Options of `packSuite`. @public */
export interface PackSuiteOptions {
  /** The pack under test, as exported by its package. */
  readonly pack: AnyPack;
  /** Packs it requires (providers of its `requires` refs), composed with it in one registry. */
  readonly deps?: readonly AnyPack[];
  /** The pack's own config section (what a host passes as `config[code]`). @default {} */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Config sections of the deps, keyed by pack code. @default {} */
  readonly depsConfig?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * One valid record per namespace (without id/rev/timestamps). Each is written through the
   * pack's context to prove it lands under `<code>.<namespace>` and nowhere else.
   */
  readonly samples?: Readonly<Record<string, unknown>>;
  /** IANA time zone of the contexts. @default "UTC" */
  readonly timezone?: string;
  /** Clock of the contexts. @default () => new Date() */
  readonly now?: () => Date;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The pack conformance kit: one `describe` block a pack author calls from their own Vitest suite.
 * It checks the contract shape, registry validation with the pack's deps, storage isolation (the
 * pack's hooks write only its own namespaces and locks, or those of a pack it requires, whose
 * services may keep their own caches while answering),
 * route documentation (scope, summary, schemas), that `validate()` returns issues instead of
 * throwing, well-formed jobs, and the brief section. Every check runs on a fresh in-memory store.
 *
 * @param options.pack - the pack under test
 * @param options.deps - the packs it requires @default []
 * @example
 * // test/pack.test.ts
 * import { packSuite } from "@valhalla/runtime/testing";
 * import { inventory } from "../src/index.js";
 * packSuite({ pack: inventory });
 * @public
 */
export function packSuite(options: PackSuiteOptions): void {
  const { pack } = options;
  const deps = options.deps ?? [];
  const code = String(pack?.code);

  const compose = async (config: Readonly<Record<string, unknown>> = options.config ?? {}) => {
    const driver = recordingDriver(memory());
    await driver.init();
    const registry = createRegistry([pack, ...deps], {
      driver,
      timezone: options.timezone ?? "UTC",
      config: { ...options.depsConfig, [code]: config },
      log: quiet,
      ...(options.now ? { now: options.now } : {}),
    });
    return { driver, registry };
  };
  const withRegistry = async <T>(
    fn: (r: { driver: RecordingDriver; registry: Registry }) => Promise<T>,
    config?: Readonly<Record<string, unknown>>,
  ): Promise<T> => {
    const r = await compose(config);
    try {
      return await fn(r);
    } finally {
      await r.driver.close();
    }
  };
  // The rule: a pack's hooks write only its own namespaces and locks. The packs it requires may
  // write theirs while serving its calls (a provider's own caches, e.g. bills' estimate cache when
  // budget asks for the month's estimate): that is the provider's business, done by its own code.
  const owners = [
    code,
    ...Object.values((pack?.requires ?? {}) as Record<string, ServiceRef<unknown, boolean>>).map(
      (r) => r.pack,
    ),
  ];
  const strayWrites = (driver: RecordingDriver) => ({
    namespaces: [...driver.written].filter(
      (ns) => ns !== MIGRATIONS_NS && !owners.some((o) => ns.startsWith(`${o}.`)),
    ),
    locks: [...driver.locked].filter((k) => !owners.some((o) => k.startsWith(`lock:${o}:`))),
  });

  describe(`packSuite: ${code}`, () => {
    it("should follow the pack contract (code, semver, unique names, storage, refs, migrations)", () => {
      expect(contractProblems(pack)).toEqual([]);
    });

    it("should pass registry validation together with its deps", async () => {
      await withRegistry(async ({ registry }) => {
        const report = await registry.validate();
        const errors = report.issues.filter((i) => i.severity === "error");
        expect(errors, formatReport(report)).toEqual([]);
        expect(report.ok).toBe(true);
      });
    });

    it("should give its context only its own namespaces, keyed '<code>.<namespace>'", async () => {
      await withRegistry(async ({ registry }) => {
        const declared = Object.keys(pack.storage ?? {}).sort();
        const storage = registry.context(code).storage as Record<string, { namespace: string }>;
        expect(Object.keys(storage).sort()).toEqual(declared);
        for (const ns of declared) expect(storage[ns]!.namespace).toBe(`${code}.${ns}`);
        for (const dep of deps) {
          const theirs = Object.values(
            registry.context(dep.code).storage as Record<string, { namespace: string }>,
          );
          for (const c of theirs) expect(c.namespace.startsWith(`${code}.`), c.namespace).toBe(false);
        }
      });
    });

    it.skipIf(!options.samples)(
      "should write its sample records under '<code>.<namespace>' only",
      async () => {
        await withRegistry(async ({ driver, registry }) => {
          const storage = registry.context(code).storage as Record<
            string,
            { create(d: unknown): Promise<{ id: string }>; get(id: string): Promise<unknown> }
          >;
          for (const [ns, sample] of Object.entries(options.samples ?? {})) {
            expect(storage[ns], `samples.${ns} names no declared namespace`).toBeDefined();
            const created = await storage[ns]!.create(sample);
            expect(await storage[ns]!.get(created.id)).toMatchObject({ id: created.id });
            expect(await driver.namespaces()).toContain(`${code}.${ns}`);
          }
          expect([...driver.written].sort()).toEqual(
            Object.keys(options.samples ?? {})
              .map((ns) => `${code}.${ns}`)
              .sort(),
          );
        });
      },
    );

    it("should keep validate(), brief(), daily() and its jobs inside its own namespaces", async () => {
      await withRegistry(async ({ driver, registry }) => {
        await registry.migrate();
        // Migrations of every pack in the set write their own bookkeeping; watch only what follows.
        driver.written.clear();
        driver.locked.clear();
        const ctx = registry.context(code) as PackContext<any, any>;
        await pack.validate?.(ctx);
        await pack.brief?.(ctx);
        await pack.daily?.(ctx);
        for (const job of pack.jobs ?? []) {
          const controller = new AbortController();
          const tickId = `pack-suite-${job.name}`;
          await job.run({
            ...ctx,
            signal: controller.signal,
            tickId,
            fence: 0,
            principal: { kind: "job", id: tickId, pack: code, job: job.name },
          });
        }
        expect(strayWrites(driver)).toEqual({ namespaces: [], locks: [] });
      });
    });

    it("should give every route a scope, a summary and schemas for its input", () => {
      expect(routeProblems(pack)).toEqual([]);
    });

    it.skipIf(typeof pack?.validate !== "function")(
      "should return issues from validate() instead of throwing, even on a broken config",
      async () => {
        const given = options.config ?? {};
        const keys = new Set([...Object.keys(given), ...Object.keys(schemaKeys(pack?.configSchema))]);
        const broken = Object.fromEntries([...keys].map((k) => [k, null]));
        for (const config of [given, {}, broken]) {
          await withRegistry(async ({ registry }) => {
            let result: unknown;
            try {
              result = await pack.validate!(registry.context(code));
            } catch (err) {
              expect.fail(`validate() threw for config ${JSON.stringify(config)}: ${String(err)}`);
            }
            expect(issueProblems(result)).toEqual([]);
          }, config);
        }
      },
    );

    it("should declare well-formed jobs (name, cron, time zone)", () => {
      expect(jobProblems(pack)).toEqual([]);
    });

    it.skipIf(typeof pack?.brief !== "function")("should return a brief section", async () => {
      await withRegistry(async ({ registry }) => {
        expect(briefProblems(await pack.brief!(registry.context(code)))).toEqual([]);
      });
    });
  });
}

function schemaKeys(schema: unknown): Record<string, unknown> {
  const s = schema as { entries?: Record<string, unknown>; pipe?: { entries?: Record<string, unknown> }[] };
  return s?.entries ?? s?.pipe?.[0]?.entries ?? {};
}
