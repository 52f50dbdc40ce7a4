import { once } from "node:events";
import type { Writable } from "node:stream";
import {
  type AnyPack,
  type Driver,
  exportDump,
  importDump,
  indexesOf,
  MIGRATIONS_NS,
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
): Promise<number> {
  const chosen = only ? new Set(only) : undefined;
  const filter = chosen
    ? (ns: string, id: string) =>
        ns === MIGRATIONS_NS ? chosen.has(id) : chosen.has(ns.slice(0, Math.max(0, ns.indexOf("."))))
    : undefined;
  let lines = 0;
  for await (const line of exportDump(driver, { indexes: indexesOf(packs), ...(filter ? { filter } : {}) })) {
    lines++;
    if (!out.write(line)) await once(out, "drain");
  }
  return lines;
}

/**
 * `valhalla import`: load an NDJSON dump from `input` (stdin), keeping ids and revs; index values
 * come from the dump or are recomputed from the installed packs' declared collections.
 */
export async function importCommand(
  driver: Driver,
  packs: readonly AnyPack[],
  input: AsyncIterable<string | Uint8Array>,
): Promise<number> {
  return (await importDump(driver, input, { indexes: indexesOf(packs) })).records;
}
