import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import {
  type AnyPack,
  checkDump,
  type Driver,
  exportDump,
  importDump,
  indexesOf,
  MIGRATIONS_NS,
  schemasOf,
} from "@valhalla/runtime";

/**
 * `valhalla export`: stream every record (or only the chosen packs' namespaces and migration
 * state) as NDJSON to `out`, honouring backpressure. Each line carries the index values the
 * installed packs declare, so the dump is self-contained.
 */
export async function exportCommand(
  driver: Driver,
  packs: readonly AnyPack[],
  out: Writable,
  only?: readonly string[],
  progress?: (line: string) => void,
): Promise<number> {
  const chosen = only ? new Set(only) : undefined;
  const packOf = (ns: string) => ns.slice(0, Math.max(0, ns.indexOf(".")));
  const filter = chosen
    ? (ns: string, id: string) => (ns === MIGRATIONS_NS ? chosen.has(id) : chosen.has(packOf(ns)))
    : undefined;
  // The total is counted first (one count per namespace), so progress can say how far along it is.
  let total = 0;
  if (progress)
    for (const ns of await driver.namespaces()) {
      if (!chosen || chosen.has(packOf(ns))) total += await driver.count(ns);
      // The migration records (one per pack) are few: count the chosen packs' ones by id.
      else if (ns === MIGRATIONS_NS) for await (const r of driver.scan(ns)) if (chosen.has(r.id)) total++;
    }
  const meter = progressMeter(total, progress, Date.now, "exported");
  let lines = 0;
  for await (const line of exportDump(driver, { indexes: indexesOf(packs), ...(filter ? { filter } : {}) })) {
    lines++;
    if (!out.write(line)) await once(out, "drain");
    meter(Math.min(lines, total));
  }
  return lines;
}

/** Options of `valhalla import`. */
export interface ImportCommandOptions {
  /** Check every line and report; write nothing. */
  readonly dryRun?: boolean;
  /** Import the valid lines and report the others, instead of refusing the whole file. */
  readonly skipInvalid?: boolean;
  /** Where progress goes (count, rate, ETA); none when unset. */
  readonly progress?: (line: string) => void;
  /** Where the report goes (stderr in the CLI). */
  readonly report: (line: string) => void;
}

/**
 * `valhalla import`: load an NDJSON dump from `input` (stdin) in two passes, so a bad line never
 * leaves a half-imported store. Pass one reads the whole dump, checks every line (shape, id, rev,
 * and the record against its collection's schema) and spools it to a temporary file; pass two
 * writes from that file, keeping ids and revs. Memory stays bounded: neither pass holds the dump.
 * Resolves with the exit code: 1 when bad lines refused the file, else 0.
 */
export async function importCommand(
  driver: Driver,
  packs: readonly AnyPack[],
  input: AsyncIterable<string | Uint8Array>,
  o: ImportCommandOptions,
): Promise<{ code: number; records: number }> {
  const dir = mkdtempSync(join(tmpdir(), "valhalla-import-"));
  try {
    const spool = join(dir, "dump.ndjson");
    const out = createWriteStream(spool);
    const check = await checkDump(input, {
      schemas: schemasOf(packs),
      onLine: async (text) => {
        if (!out.write(`${text}\n`)) await once(out, "drain");
      },
    });
    out.end();
    await once(out, "finish");
    for (const p of check.problems) o.report(`line ${p.line}: '${p.field}' ${p.message}`);
    if (check.invalid > check.problems.length)
      o.report(`… and ${check.invalid - check.problems.length} more invalid lines`);
    if (check.invalid > 0 && !o.skipInvalid) {
      o.report(
        `Refused: ${check.invalid} of ${check.lines} lines are invalid; nothing was written (--skip-invalid imports the ${check.valid} valid ones)`,
      );
      return { code: 1, records: 0 };
    }
    if (o.dryRun) {
      o.report(
        `Dry run: ${check.valid} records would be imported, ${check.invalid} lines skipped; nothing was written`,
      );
      return { code: 0, records: 0 };
    }
    const meter = progressMeter(check.valid, o.progress);
    const { records } = await importDump(driver, createReadStream(spool, { encoding: "utf8" }), {
      indexes: indexesOf(packs),
      skip: check.invalidLines,
      onRecord: meter,
    });
    if (check.invalid > 0) o.report(`Skipped ${check.invalid} invalid lines`);
    return { code: 0, records };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A progress line (count, rate, ETA) at most every half second; nothing without a sink. */
export function progressMeter(
  total: number,
  sink: ((line: string) => void) | undefined,
  clock: () => number = Date.now,
  verb = "imported",
): (done: number) => void {
  if (!sink) return () => {};
  const started = clock();
  let last = started;
  return (done) => {
    const now = clock();
    if (done < total && now - last < 500) return;
    last = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    sink(`${verb} ${done}/${total} (${Math.round(rate)}/s, ETA ${eta}s)`);
  };
}
