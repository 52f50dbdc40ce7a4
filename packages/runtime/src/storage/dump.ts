import * as v from "valibot";
import { InvalidValueError } from "../errors/storage-errors.js";
import { isValidId } from "../ids/create-id.js";
import type { AnyPack } from "../pack/types.js";
import { namespaceKey } from "../registry/checks/storage-conflicts.js";
import type { CollectionDef } from "./collection.js";
import { type Driver, encodeIndexValue, type IndexValues } from "./driver.js";
import { assertStorable } from "./storable.js";

/** One line of an NDJSON dump: a record with its namespace, revision and index values. @public */
export interface DumpLine {
  readonly ns: string;
  readonly id: string;
  readonly rev: number;
  /** The record as JSON (including id, rev and timestamps). */
  readonly value: unknown;
  /** Encoded index values; recomputed from the declared collections on import when absent. */
  readonly index?: IndexValues;
}

/** Declared index fields per namespace key (`<pack>.<ns>`). @public */
export type IndexMap = ReadonlyMap<string, readonly string[]>;

/** Index fields of every namespace the packs declare. @public */
export function indexesOf(packs: readonly AnyPack[]): IndexMap {
  const out = new Map<string, readonly string[]>();
  for (const p of packs) {
    for (const [ns, def] of Object.entries((p.storage ?? {}) as Record<string, CollectionDef>)) {
      out.set(namespaceKey(p.code, ns), def.indexes);
    }
  }
  return out;
}

/** Each declared collection's record schema by namespace, for checking a dump before loading it. @public */
export function schemasOf(packs: readonly AnyPack[]): ReadonlyMap<string, v.GenericSchema> {
  const out = new Map<string, v.GenericSchema>();
  for (const p of packs)
    for (const [ns, def] of Object.entries((p.storage ?? {}) as Record<string, CollectionDef>))
      out.set(namespaceKey(p.code, ns), def.schema);
  return out;
}

/** What is wrong with one line of a dump. @public */
export interface DumpProblem {
  readonly line: number;
  /** The field at fault, as a dotted path into the record (or the line's own field: `id`, `rev`). */
  readonly field: string;
  readonly message: string;
}

/** What {@link checkDump} found. @public */
export interface DumpCheck {
  /** Non-empty lines read. */
  readonly lines: number;
  /** Lines that would load. */
  readonly valid: number;
  /** Every bad line (the first `maxProblems` of them are described). */
  readonly invalid: number;
  readonly problems: readonly DumpProblem[];
  /** Line numbers of the bad lines, for an import that skips them. */
  readonly invalidLines: ReadonlySet<number>;
}

/**
 * Read a whole dump without writing anything: each line must parse, carry a valid id and rev, and
 * its record must satisfy its collection's schema when `schemas` declares the namespace (the
 * host's own `_valhalla.*` records and unknown namespaces are checked for shape only).
 * `onLine` sees every raw line (to spool stdin for a second pass) and the running count.
 * @public
 */
export async function checkDump(
  input: AsyncIterable<string | Uint8Array> | Iterable<string>,
  options: {
    readonly schemas?: ReadonlyMap<string, v.GenericSchema>;
    readonly maxProblems?: number;
    readonly onLine?: (text: string, lineNo: number) => void | Promise<void>;
  } = {},
): Promise<DumpCheck> {
  const max = options.maxProblems ?? 100;
  const problems: DumpProblem[] = [];
  const invalidLines = new Set<number>();
  let lines = 0;
  const bad = (line: number, field: string, message: string) => {
    invalidLines.add(line);
    if (problems.length < max) problems.push({ line, field, message });
  };
  await forEachLine(input, async (text, lineNo) => {
    await options.onLine?.(text, lineNo);
    if (text.trim() === "") return;
    lines++;
    let line: DumpLine;
    try {
      line = parseLine(text, lineNo);
    } catch (err) {
      bad(lineNo, err instanceof InvalidValueError ? lineField(err.message) : "line", messageOf(err, lineNo));
      return;
    }
    const schema = options.schemas?.get(line.ns);
    if (!schema) return;
    const res = v.safeParse(schema, line.value, { abortPipeEarly: true });
    if (!res.success) {
      const issue = res.issues[0]!;
      bad(lineNo, v.getDotPath(issue) ?? "value", issue.message);
    }
  });
  return { lines, valid: lines - invalidLines.size, invalid: invalidLines.size, problems, invalidLines };
}

const lineField = (message: string) => /'(\w+)'/.exec(message)?.[1] ?? "line";
const messageOf = (err: unknown, lineNo: number) =>
  (err instanceof Error ? err.message : String(err)).replace(`Line ${lineNo}: `, "");

/** Call `fn` with each line of `input` (text or bytes, any chunking) and its 1-based number. */
async function forEachLine(
  input: AsyncIterable<string | Uint8Array> | Iterable<string>,
  fn: (text: string, lineNo: number) => Promise<void>,
): Promise<void> {
  let lineNo = 0;
  let buffered = "";
  const decoder = new TextDecoder();
  for await (const chunk of input as AsyncIterable<string | Uint8Array>) {
    buffered += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      await fn(buffered.slice(0, nl), ++lineNo);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  if (buffered) await fn(buffered, ++lineNo);
}

const indexValues = (fields: readonly string[] | undefined, value: unknown): IndexValues => {
  const out: Record<string, string> = {};
  if (!fields || typeof value !== "object" || value === null) return out;
  for (const f of fields) {
    const enc = encodeIndexValue((value as Record<string, unknown>)[f]);
    if (enc !== undefined) out[f] = enc;
  }
  return out;
};

/** Options of `exportDump`. @public */
export interface ExportOptions {
  /** Keep only these records; default every record of every namespace. */
  readonly filter?: (ns: string, id: string) => boolean;
  /** Declared indexes, carried in each line so the dump is self-contained. */
  readonly indexes?: IndexMap;
}

/**
 * Stream every record as NDJSON lines (each ends with `\n`), namespace by namespace in id order,
 * without holding the store in memory.
 * @public
 */
export async function* exportDump(driver: Driver, options: ExportOptions = {}): AsyncIterable<string> {
  for (const ns of await driver.namespaces()) {
    for await (const rec of driver.scan(ns)) {
      if (options.filter && !options.filter(ns, rec.id)) continue;
      const value: unknown = JSON.parse(rec.value);
      const fields = options.indexes?.get(ns);
      const line: DumpLine = {
        ns,
        id: rec.id,
        rev: rec.rev,
        value,
        ...(fields ? { index: indexValues(fields, value) } : {}),
      };
      yield `${JSON.stringify(line)}\n`;
    }
  }
}

/** Options of `importDump`. @public */
export interface ImportOptions {
  /** Declared indexes, used when a line carries none. */
  readonly indexes?: IndexMap;
  /** Line numbers to leave out (the bad lines {@link checkDump} found, for `--skip-invalid`). */
  readonly skip?: ReadonlySet<number>;
  /** Called after each record is written, with the number written so far (progress). */
  readonly onRecord?: (records: number) => void;
}

/**
 * Load an NDJSON dump (lines or chunks of text) into a driver, keeping each record's id and rev.
 * A record already present is replaced (conditional on the rev read), so re-running an import
 * converges. Bad lines fail with the line number.
 * @throws InvalidValueError naming the line
 * @public
 */
export async function importDump(
  driver: Driver,
  input: AsyncIterable<string | Uint8Array> | Iterable<string>,
  options: ImportOptions = {},
): Promise<{ records: number }> {
  let records = 0;
  await forEachLine(input, async (text, lineNo) => {
    if (text.trim() === "" || options.skip?.has(lineNo)) return;
    const line = parseLine(text, lineNo);
    const index = line.index ?? indexValues(options.indexes?.get(line.ns), line.value);
    const record = { id: line.id, rev: line.rev, value: JSON.stringify(line.value) };
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await driver.get(line.ns, line.id);
      const res = await driver.write(line.ns, { record, index, expectRev: cur?.rev ?? 0 });
      if (res.ok) {
        records++;
        options.onRecord?.(records);
        return;
      }
    }
    throw new InvalidValueError(`line ${lineNo}`, `Line ${lineNo}: '${line.id}' kept changing during import`);
  });
  return { records };
}

function parseLine(text: string, lineNo: number): DumpLine {
  const fail = (why: string) => new InvalidValueError(`line ${lineNo}`, `Line ${lineNo}: ${why}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw fail("not JSON");
  }
  const l = raw as Partial<DumpLine>;
  if (typeof l !== "object" || l === null) throw fail("not an object");
  if (typeof l.ns !== "string" || l.ns === "") throw fail("'ns' must be a non-empty string");
  if (typeof l.id !== "string" || !isValidId(l.id)) throw fail("'id' is not a valid id");
  if (!Number.isSafeInteger(l.rev) || (l.rev as number) < 1) throw fail("'rev' must be a positive integer");
  if (l.index !== undefined) {
    if (typeof l.index !== "object" || l.index === null) throw fail("'index' must be an object");
    for (const v of Object.values(l.index)) if (typeof v !== "string") throw fail("index values are strings");
  }
  assertStorable(l.value, "value");
  return l as DumpLine;
}
