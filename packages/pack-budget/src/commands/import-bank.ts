import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { type CommandDef, type CommandIo, ProblemError, principalLabel } from "@valhalla/runtime";
import * as v from "valibot";
import { CsvMapping, IMPORT_FORMATS } from "../account-schemas.js";
import { runImport } from "../import/run-import.js";
import { fileSource, type ImportOptions } from "../import/statement-source.js";
import type { BudgetContext } from "../storage.js";

const PRESETS = ["signed-amount-mdy", "debit-credit-dmy"] as const;
const QIF_DATES = ["MM/DD/YYYY", "DD/MM/YYYY"] as const;
const EXTENSIONS: Readonly<Record<string, (typeof IMPORT_FORMATS)[number]>> = {
  ".csv": "csv",
  ".ofx": "ofx",
  ".qfx": "ofx",
  ".qif": "qif",
};

/** "12,000 / 100,000 rows (12 %) · 4,210 rows/s · about 21 s left" */
function progressLine(done: number, total: number, startedMs: number): string {
  const secs = Math.max(0.001, (performance.now() - startedMs) / 1000);
  const rate = done / secs;
  const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  return `${n(done)} / ${n(total)} rows (${Math.floor((100 * done) / total)} %) · ${n(rate)} rows/s · about ${left} s left`;
}

/** One line for a usage error (exit 2). */
function usage(io: CommandIo, message: string): number {
  io.err(`valhalla import-bank: ${message}. Run 'valhalla import-bank --help' for its options.`);
  return 2;
}

/**
 * `valhalla import-bank <file> --account <id>`: import a bank file of any size into an account,
 * with progress, through the same checks, dedupe, rules, inbox and bill matching as the HTTP import.
 */
export const importBankCommand: CommandDef<BudgetContext> = {
  name: "import-bank",
  summary: "Import a bank file (CSV, OFX/QFX, QIF) of any size into an account, with progress",
  usage:
    "valhalla import-bank <file> --account <id> [--format csv|ofx|qif] [--preset <name> | --mapping <json>] [--date-format <fmt>] [--dry-run]",
  options: {
    account: { type: "string", value: "<id>", description: "The account to import into (required)" },
    format: {
      type: "string",
      value: "<csv|ofx|qif>",
      description: "The file's format (default: from its extension)",
    },
    preset: { type: "string", value: "<name>", description: `A CSV layout: ${PRESETS.join(", ")}` },
    mapping: {
      type: "string",
      value: "<json>",
      description:
        'CSV columns, e.g. {"date":"Date","payee":"Payee","amount":"Amount"} (saved on the account)',
    },
    "date-format": { type: "string", value: "<fmt>", description: `QIF dates: ${QIF_DATES.join(" or ")}` },
    "dry-run": {
      type: "boolean",
      description: "Check every line and count what would be created; write nothing",
    },
  },
  examples: [
    "valhalla import-bank ~/Downloads/checking-2026.csv --account acct_01H… --preset signed-amount-mdy",
    "valhalla import-bank statement.ofx --account acct_01H… --dry-run",
  ],
  async run(ctx, { args, options, io }) {
    const [file, extra] = args;
    if (file === undefined) return usage(io, "name the file to import");
    if (extra !== undefined) return usage(io, `one file at a time (also got '${extra}')`);
    const account = options.account;
    if (typeof account !== "string" || account === "") return usage(io, "--account <id> is required");
    const format = (options.format as string | undefined) ?? EXTENSIONS[extname(file).toLowerCase()];
    if (!format || !(IMPORT_FORMATS as readonly string[]).includes(format))
      return usage(
        io,
        `say --format ${IMPORT_FORMATS.join("|")} (the extension '${extname(file)}' does not tell)`,
      );
    const preset = options.preset as string | undefined;
    if (preset !== undefined && !(PRESETS as readonly string[]).includes(preset))
      return usage(io, `--preset must be one of ${PRESETS.join(", ")}`);
    const dateFormat = options["date-format"] as string | undefined;
    if (dateFormat !== undefined && !(QIF_DATES as readonly string[]).includes(dateFormat))
      return usage(io, `--date-format must be ${QIF_DATES.join(" or ")}`);
    let mapping: CsvMapping | undefined;
    if (typeof options.mapping === "string") {
      let raw: unknown;
      try {
        raw = JSON.parse(options.mapping);
      } catch {
        return usage(io, "--mapping must be JSON");
      }
      const parsed = v.safeParse(CsvMapping, raw);
      if (!parsed.success)
        return usage(io, `--mapping: '${v.getDotPath(parsed.issues[0]) ?? ""}' ${parsed.issues[0].message}`);
      mapping = parsed.output;
    }
    // Said up front, as one line: the importer reads the file only once it holds the account's lock.
    const unreadable = await stat(file).then(
      (s) => (s.isFile() ? null : "EISDIR"),
      (err: NodeJS.ErrnoException) => err.code ?? String(err),
    );
    if (unreadable !== null) {
      io.err(`valhalla import-bank: cannot read ${file}: ${unreadable}`);
      return 1;
    }
    const started = performance.now();
    try {
      const importOptions: ImportOptions = {
        format: format as (typeof IMPORT_FORMATS)[number],
        ...(mapping ? { mapping } : {}),
        ...(preset ? { preset: preset as (typeof PRESETS)[number] } : {}),
        ...(dateFormat ? { date_format: dateFormat as (typeof QIF_DATES)[number] } : {}),
        dry_run: options["dry-run"] === true,
      };
      const target = await ctx.storage.accounts.require(account);
      const result = await runImport(ctx, target, fileSource(file, importOptions, target), {
        dryRun: importOptions.dry_run,
        actor: principalLabel(ctx.principal),
        saveMapping: importOptions.format === "csv" ? mapping : undefined,
        // Only the write pass has a total to show; the check pass is the quicker of the two.
        onProgress: (p) => {
          if (p.phase === "write" && p.rows_total !== null)
            io.progress(progressLine(p.rows_done, p.rows_total, started));
        },
      });
      io.out(JSON.stringify(result, null, 2));
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      io.err(
        result.dry_run
          ? `Dry run: ${result.created} of ${result.rows} rows would be created; nothing was written`
          : `Imported ${result.created} of ${result.rows} rows into ${account} in ${secs} s (${result.duplicates} already there, ${result.inbox} in the inbox)`,
      );
      return 0;
    } catch (err) {
      if (err instanceof ProblemError) {
        io.err(`valhalla import-bank: ${err.message}`);
        return 1;
      }
      if ((err as { name?: string }).name === "NotFoundError") {
        io.err(`valhalla import-bank: no account '${account}'`);
        return 1;
      }
      throw err;
    }
  },
};
