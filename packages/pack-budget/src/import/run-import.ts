import { formatMoney, ProblemError, type Stored } from "@valhalla/runtime";
import type * as v from "valibot";
import type { Account, CsvMapping } from "../account-schemas.js";
import { type ImportBillMatch, matchPlanned, settleMatches } from "../bill-match.js";
import type { ImportResponse } from "../response-schemas.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";
import { bankRefCounter } from "./bank-refs.js";
import { accountLedgerIndex } from "./match-manual.js";
import { type ImportPlan, type MatchedLine, type PlannedEntry, planImport } from "./plan-import.js";
import { ImportLineError, type StatementLine } from "./statement-line.js";
import { lineProblem, type StatementSource } from "./statement-source.js";
import { writePlanned } from "./write-planned.js";

/** Lines planned and written together: bounds the memory a part takes, whatever the file's size. */
export const PART_LINES = 2000;
/** Lease of an account's import lock (renewed while the import runs). @internal */
export const LOCK_TTL_MS = 10_000;
/** How long an import waits for another import of the same account to finish. */
const LOCK_WAIT_MS = 120_000;
const PREVIEW = 20;

/** What an import did (or, on a dry run, would do); the body of the import routes. */
export type ImportResult = v.InferOutput<typeof ImportResponse>;

/** Where an import is: checking every line (total not known yet), or writing part by part. */
export interface ImportProgress {
  readonly phase: "check" | "write";
  readonly rows_done: number;
  /** Rows in the file; `null` until the check pass has read it all. */
  readonly rows_total: number | null;
}

/** How to run an import. */
export interface RunImportOptions {
  readonly dryRun: boolean;
  /** Who the entries name as their actor (`principalLabel` of whoever sent the file). */
  readonly actor: string;
  /** A CSV mapping the request sent: saved on the account after a real import. */
  readonly saveMapping?: CsvMapping | undefined;
  /**
   * Called after each part of each pass, and awaited (a throw stops the import: before the write
   * pass nothing has been written; during it, the parts already written stay, and dedupe finds
   * them again on the next run).
   */
  readonly onProgress?: ((progress: ImportProgress) => Promise<void> | void) | undefined;
}

/** The statement's lines in parts of `size`, with a line that cannot be read turned into a 400. */
async function* partsOf(source: StatementSource, size: number): AsyncGenerator<StatementLine[]> {
  let part: StatementLine[] = [];
  try {
    for await (const line of source.lines()) {
      part.push(line);
      if (part.length === size) {
        yield part;
        part = [];
      }
    }
  } catch (err) {
    if (err instanceof ImportLineError) throw lineProblem(source.format, err);
    throw err;
  }
  if (part.length > 0) yield part;
}

/** The figures of a pass, added up part by part; the previews keep the first few only. */
class Tally {
  rows = 0;
  created = 0;
  matched = 0;
  duplicates = 0;
  skipped = 0;
  inbox = 0;
  fresh = 0;
  readonly months = new Set<string>();
  readonly preview: ImportResult["preview"] = [];
  readonly matches: MatchedLine[] = [];
  readonly billMatches: ImportBillMatch[] = [];

  add(lines: number, plan: ImportPlan, bills: readonly ImportBillMatch[]) {
    this.rows += lines;
    this.fresh += plan.fresh.length;
    this.matched += plan.matches.length;
    this.duplicates += plan.duplicates;
    this.skipped += plan.skipped;
    for (const p of plan.fresh) {
      this.months.add(p.entry.month);
      if (p.entry.inbox) this.inbox++;
    }
    for (const p of plan.fresh.slice(0, PREVIEW - this.preview.length)) this.preview.push(previewOf(p));
    this.matches.push(...plan.matches.slice(0, PREVIEW - this.matches.length));
    // Bill matches are listed whole: at most one per open bill occurrence.
    this.billMatches.push(...bills);
  }
}

function previewOf(p: PlannedEntry): ImportResult["preview"][number] {
  return {
    line: p.line,
    date: p.entry.date,
    amount_minor: p.entry.amount_minor,
    amount: formatMoney({ amount_minor: p.entry.amount_minor, currency: p.entry.currency }),
    kind: p.entry.kind as "income" | "expense",
    payee: p.entry.payee,
    memo: p.entry.memo,
    bucket_id: p.entry.bucket_id,
    category: p.entry.category,
    inbox: p.entry.inbox,
    bank_ref: p.entry.bank_ref as string,
  };
}

/**
 * Run `fn` holding the account's import lock (renewed while it runs), so two imports of
 * overlapping files into one account never both write a line.
 * @internal
 */
export function withImportLock<T>(ctx: BudgetContext, accountId: string, fn: () => Promise<T>): Promise<T> {
  return ctx.locks.withLock(`import:${accountId}`, LOCK_TTL_MS, fn, { waitMs: LOCK_WAIT_MS });
}

/**
 * The one importer behind `POST /budget/accounts/:id/import`, the asynchronous imports and the
 * CLI's `import-bank`, whatever the statement's size. Pass 1 reads every line of the source in parts
 * of {@link PART_LINES} and plans it (dedupe against the ledger and within the file, confirm
 * hand-entered entries, refuse a line outside the account's open range or in a closed month,
 * categorise with the rules), writing nothing: a bad line refuses the file, naming it. Pass 2 reads
 * the source again and writes part by part, with bill matching. Memory holds one part, the dedupe
 * keys of the file, and the account's ledger keys — not the file. A dry run stops after pass 1.
 * Call holding the account's import lock ({@link withImportLock}) unless it is a dry run.
 * @throws ProblemError 400 for a line that cannot be read, 409/422 for a line the ledger refuses
 * @internal
 */
export async function runImportLocked(
  ctx: BudgetContext,
  account: Stored<Account>,
  source: StatementSource,
  options: RunImportOptions,
): Promise<ImportResult> {
  const current = await ctx.storage.accounts.require(account.id);
  if (current.status !== "active")
    throw new ProblemError(409, "account-closed", `Account '${account.id}' is closed`);
  const ledger = await accountLedgerIndex(ctx, account.id);
  // Each pass has its own dedupe state: identical lines get their occurrence numbers from the top.
  const pass = (checkOnly: boolean) => {
    const refOf = bankRefCounter(account.id);
    const state = { ledger, inFile: new Set<string>(), claimed: new Set<string>() };
    return (part: StatementLine[]) =>
      planImport(ctx, current, part, options.actor, { ...state, refs: part.map(refOf) }, checkOnly);
  };

  // The check pass's dedupe state goes out of scope before the write pass builds its own.
  const checkPass = async () => {
    const tally = new Tally();
    // A real import counts in its write pass; its check pass only looks for a line to refuse.
    const check = pass(!options.dryRun);
    for await (const part of partsOf(source, PART_LINES)) {
      const plan = await check(part);
      // A dry run reports the bill matches it would make; a real one finds them as it writes.
      const billed = options.dryRun
        ? await matchPlanned(ctx, plan.fresh)
        : { fresh: plan.fresh, matches: [] };
      tally.add(part.length, { ...plan, fresh: billed.fresh }, billed.matches);
      await options.onProgress?.({ phase: "check", rows_done: tally.rows, rows_total: null });
    }
    return tally;
  };
  let tally = await checkPass();
  const rows = tally.rows;
  if (!options.dryRun) {
    tally = new Tally();
    const write = pass(false);
    for await (const part of partsOf(source, PART_LINES)) {
      const planned = await write(part);
      const billed = await matchPlanned(ctx, planned.fresh);
      const plan = { ...planned, fresh: billed.fresh };
      tally.created += await writePlanned(ctx, account.id, plan);
      tally.add(part.length, plan, await settleMatches(ctx, billed.matches));
      await options.onProgress?.({ phase: "write", rows_done: tally.rows, rows_total: rows });
    }
    if (options.saveMapping) {
      const mapping = options.saveMapping;
      await afterWrite(ctx, () => ctx.storage.accounts.update(account.id, { csv_mapping: { ...mapping } }));
    }
  } else tally.created = tally.fresh;
  return {
    account_id: account.id,
    format: source.format,
    dry_run: options.dryRun,
    rows,
    created: tally.created,
    matched: tally.matched,
    duplicates: tally.duplicates,
    skipped: tally.skipped,
    categorised: tally.fresh - tally.inbox,
    inbox: tally.inbox,
    months: [...tally.months].sort(),
    preview: tally.preview,
    statement: source.balance(),
    matches: tally.matches,
    bill_matches: tally.billMatches,
  };
}

/**
 * Import a statement into an account ({@link runImportLocked}), taking the account's import lock for
 * a real import.
 * @internal
 */
export function runImport(
  ctx: BudgetContext,
  account: Stored<Account>,
  source: StatementSource,
  options: RunImportOptions,
): Promise<ImportResult> {
  const run = () => runImportLocked(ctx, account, source, options);
  return options.dryRun ? run() : withImportLock(ctx, account.id, run);
}
