import * as v from "valibot";
import type { AnyPack, PackContext } from "../pack/types.js";
import { bindCollection, collection } from "./collection.js";
import type { Driver } from "./driver.js";
import { withLease } from "./with-lease.js";

/** System namespace holding each pack's applied schema version. @internal */
export const MIGRATIONS_NS = "_valhalla.migrations";
const def = collection({
  prefix: "mig",
  schema: v.object({
    version: v.number(),
    applied: v.array(v.object({ version: v.number(), name: v.string(), at: v.string() })),
  }),
});

/** Applied and latest schema version of a pack. @public */
export interface MigrationStatus {
  readonly pack: string;
  readonly current: number;
  readonly latest: number;
}

const latestOf = (p: AnyPack) =>
  Math.max(0, ...(p.migrations ?? []).map((m: { version: number }) => m.version));

/** Read the applied schema version of each pack. @internal */
export async function migrationStatus(driver: Driver, packs: readonly AnyPack[]): Promise<MigrationStatus[]> {
  const store = bindCollection<v.InferOutput<typeof def.schema>, never>(driver, MIGRATIONS_NS, def);
  const out: MigrationStatus[] = [];
  for (const p of packs) {
    const rec = await store.get(p.code);
    out.push({ pack: p.code, current: rec?.version ?? 0, latest: latestOf(p) });
  }
  return out;
}

/**
 * Run pending migrations of each pack, in order, under a lock so that with several replicas
 * exactly one runs them and the others wait and see them applied.
 * @internal
 */
export async function runMigrations(
  driver: Driver,
  packs: readonly AnyPack[],
  contextOf: (code: string) => PackContext<any, any>,
): Promise<{ pack: string; applied: number[] }[]> {
  const store = bindCollection<v.InferOutput<typeof def.schema>, never>(driver, MIGRATIONS_NS, def);
  const report: { pack: string; applied: number[] }[] = [];
  for (const p of packs) {
    const migrations = [...(p.migrations ?? [])].sort((a, b) => a.version - b.version);
    if (migrations.length === 0) continue;
    const applied: number[] = [];
    await withLease(
      driver,
      `migrate:${p.code}`,
      120_000,
      async () => {
        const rec = await store.get(p.code);
        let current = rec?.version ?? 0;
        const history = [...(rec?.applied ?? [])];
        for (const m of migrations) {
          if (m.version <= current) continue;
          await m.up(contextOf(p.code));
          current = m.version;
          history.push({ version: m.version, name: m.name, at: new Date().toISOString() });
          const data = { version: current, applied: history };
          if (await store.get(p.code)) await store.update(p.code, data);
          else await store.create(data, { id: p.code });
          applied.push(m.version);
        }
      },
      { waitMs: 120_000 },
    );
    report.push({ pack: p.code, applied });
  }
  return report;
}
