import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { ProblemError, type Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { type Account, CsvMapping, type ImportBody } from "../account-schemas.js";
import { fieldProblem } from "../service.js";
import { CSV_PRESETS, csvLineReader } from "./csv-statement.js";
import { CsvReader } from "./parse-csv.js";
import { parseOfx } from "./parse-ofx.js";
import { parseQif } from "./parse-qif.js";
import type { ImportLineError, ParsedStatement, StatementLine } from "./statement-line.js";

/** How to read a bank file: an import request without its content. */
export type ImportOptions = Omit<ImportBody, "content">;

/** The closing balance a file states (OFX `LEDGERBAL`). */
export type StatementBalance = ParsedStatement["balance"];

/**
 * Where an import's lines come from. The importer reads the statement twice — a check pass, then a
 * write pass — so `lines()` starts from the top on every call and must yield the same lines.
 */
export interface StatementSource {
  readonly format: ImportOptions["format"];
  /** The statement's lines in file order, from the start. @throws ImportLineError */
  lines(): AsyncIterable<StatementLine>;
  /** The balance the file states, known once `lines()` has been read to the end. */
  balance(): StatementBalance;
}

/**
 * Check an import's options against the account and pick the CSV mapping: the request's, a preset,
 * or the one saved on the account. Throws 400 naming the field, before anything is read.
 * @internal
 */
export function importMapping(options: ImportOptions, account: Stored<Account>): CsvMapping | null {
  if (options.format !== "csv") {
    if (options.mapping || options.preset)
      throw fieldProblem(
        400,
        "validation-failed",
        options.mapping ? "mapping" : "preset",
        "applies only to csv files",
      );
    return null;
  }
  if (options.mapping && options.preset)
    throw fieldProblem(400, "validation-failed", "preset", "cannot be sent with mapping");
  if (options.mapping) return options.mapping;
  if (options.preset) return CSV_PRESETS[options.preset];
  const saved = account.csv_mapping === null ? null : v.safeParse(CsvMapping, account.csv_mapping);
  if (saved?.success) return saved.output;
  throw fieldProblem(
    400,
    "validation-failed",
    "mapping",
    "is required for the account's first CSV import (or send a preset)",
  );
}

/** The 400 a line that cannot be read gets: the file is refused, naming the line and the field. */
export function lineProblem(format: string, err: ImportLineError): ProblemError {
  return new ProblemError(400, "import-invalid-line", `The ${format} file was not imported: ${err.message}`, {
    line: err.line,
    errors: [
      {
        pointer: "/body/content",
        field: err.field,
        message: `line ${err.line}: ${err.reason}`,
        line: err.line,
      },
    ],
  });
}

/** Lines of a whole-file format (OFX, QIF), parsed once and replayed on every pass. */
function wholeFile(format: ImportOptions["format"], read: () => Promise<ParsedStatement>): StatementSource {
  let parsed: ParsedStatement | undefined;
  return {
    format,
    async *lines() {
      parsed ??= await read();
      yield* parsed.lines;
    },
    balance: () => parsed?.balance ?? null,
  };
}

/** CSV records of a text read piece by piece, as statement lines. */
async function* csvLines(
  pieces: AsyncIterable<string> | Iterable<string>,
  mapping: CsvMapping,
  currency: string,
): AsyncGenerator<StatementLine> {
  const reader = new CsvReader(mapping.delimiter);
  const read = csvLineReader(mapping, currency);
  for await (const piece of pieces)
    for (const row of reader.push(piece)) {
      const line = read(row);
      if (line) yield line;
    }
  for (const row of reader.end()) {
    const line = read(row);
    if (line) yield line;
  }
}

/**
 * A statement sent as text (the HTTP import; bounded by the host's body limit). Throws 400 naming
 * the field for options that do not fit the file or the account.
 * @internal
 */
export function textSource(
  body: ImportOptions & { readonly content: string },
  account: Stored<Account>,
): StatementSource {
  if (!body.content.isWellFormed())
    throw fieldProblem(400, "validation-failed", "content", "must be valid text");
  const mapping = importMapping(body, account);
  if (mapping) {
    return {
      format: "csv",
      lines: () => csvLines([body.content], mapping, account.currency),
      balance: () => null,
    };
  }
  return wholeFile(body.format, async () =>
    body.format === "ofx"
      ? parseOfx(body.content, account.currency)
      : parseQif(body.content, account.currency, body.date_format ?? "MM/DD/YYYY"),
  );
}

/** Pieces the file is read in: small enough that a pass holds next to nothing of the file. */
const READ_CHUNK = 64 * 1024;

/**
 * A statement in a file (the CLI's `import-bank`). CSV streams: each pass reads the file in 64 KiB
 * pieces and holds one record at a time, so memory does not grow with the file. OFX and QIF are
 * read whole (their records are nested markup, and such exports are small). The file must not
 * change between the passes: its size and modification time are compared before the write pass,
 * and a change refuses the import (409) before anything is written.
 * @internal
 */
export function fileSource(path: string, options: ImportOptions, account: Stored<Account>): StatementSource {
  const mapping = importMapping(options, account);
  if (!mapping)
    return wholeFile(options.format, async () => {
      const content = await readFile(path, "utf8");
      return options.format === "ofx"
        ? parseOfx(content, account.currency)
        : parseQif(content, account.currency, options.date_format ?? "MM/DD/YYYY");
    });
  let seen: string | undefined;
  return {
    format: "csv",
    async *lines() {
      const s = await stat(path);
      const version = `${s.size}:${s.mtimeMs}`;
      if (seen !== undefined && seen !== version)
        throw new ProblemError(409, "import-file-changed", `${path} changed while it was being imported`);
      seen = version;
      yield* csvLines(
        createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK }) as AsyncIterable<string>,
        mapping,
        account.currency,
      );
    },
    balance: () => null,
  };
}
