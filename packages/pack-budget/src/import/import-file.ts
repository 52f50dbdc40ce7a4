import { ProblemError } from "@valhalla/runtime";
import type { ImportBody } from "../account-schemas.js";
import { type ImportBillMatch, matchPlanned, settleMatches } from "../bill-match.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";
import { bankRefs } from "./bank-refs.js";
import { LOCK_TTL_MS, parseStatement, writePlanned } from "./import-statement.js";
import { accountLedgerIndex } from "./match-manual.js";
import { type PlanState, planImport } from "./plan-import.js";

/** Lines planned and written together: bounds the memory a part takes, whatever the file's size. */
export const PART_LINES = 2000;

/** What a file import did (or, on a dry run, would do). */
export interface FileImportResult {
  readonly account_id: string;
  readonly format: string;
  readonly dry_run: boolean;
  readonly rows: number;
  readonly created: number;
  readonly matched: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly categorised: number;
  readonly inbox: number;
  readonly months: string[];
  readonly bill_matches: number;
  readonly statement: { balance_minor: number; as_of: string | null } | null;
}

/**
 * Import a bank file of any size (the CLI's `import-bank`): the whole file is read and every line
 * checked first, then planned in parts of {@link PART_LINES} lines twice — once to find any line
 * that would be refused (outside the account's open range, in a closed month), writing nothing,
 * then again to write — so a bad line refuses the file and nothing is half-imported. The account's
 * import lock is held (and renewed) throughout. `progress` is called after each written part.
 */
export async function importFile(
  ctx: BudgetContext,
  accountId: string,
  body: Omit<ImportBody, "content"> & { readonly content: string },
  actor: string,
  progress?: (done: number, total: number) => void,
): Promise<FileImportResult> {
  const account = await ctx.storage.accounts.require(accountId);
  if (account.status !== "active")
    throw new ProblemError(409, "account-closed", `Account '${accountId}' is closed`);
  const parsed = parseStatement(body as ImportBody, account);
  const lines = parsed.lines;
  const refs = bankRefs(account.id, lines);
  const parts = Math.ceil(lines.length / PART_LINES);
  const counts = { created: 0, matched: 0, duplicates: 0, skipped: 0, inbox: 0, fresh: 0, bills: 0 };
  const months = new Set<string>();

  const run = async () => {
    const ledger = await accountLedgerIndex(ctx, account.id);
    const state = (): Omit<PlanState, "refs"> => ({ ledger, inFile: new Set(), claimed: new Set() });
    const plan = (k: number, s: Omit<PlanState, "refs">) =>
      planImport(ctx, account, lines.slice(k * PART_LINES, (k + 1) * PART_LINES), actor, {
        ...s,
        refs: refs.slice(k * PART_LINES, (k + 1) * PART_LINES),
      });
    // Pass 1: every part planned, nothing written; a refused line throws here.
    const check = state();
    for (let k = 0; k < parts; k++) {
      const p = await plan(k, check);
      counts.fresh += p.fresh.length;
      counts.matched += p.matches.length;
      counts.duplicates += p.duplicates;
      counts.skipped += p.skipped;
      for (const e of p.fresh) {
        months.add(e.entry.month);
        if (e.entry.inbox) counts.inbox++;
      }
    }
    if (body.dry_run) return;
    // Pass 2: the same plan, part by part, written.
    const write = state();
    let done = 0;
    for (let k = 0; k < parts; k++) {
      const planned = await plan(k, write);
      const billed = await matchPlanned(ctx, planned.fresh);
      counts.created += await writePlanned(ctx, account.id, { ...planned, fresh: billed.fresh });
      const settled: ImportBillMatch[] = await settleMatches(ctx, billed.matches);
      counts.bills += settled.filter((m) => m.payment_id !== null).length;
      done += Math.min(PART_LINES, lines.length - k * PART_LINES);
      progress?.(done, lines.length);
    }
  };
  await ctx.locks.withLock(`import:${account.id}`, LOCK_TTL_MS, run, { waitMs: 120_000 });
  if (!body.dry_run && body.format === "csv" && body.mapping)
    await afterWrite(ctx, () =>
      ctx.storage.accounts.update(account.id, { csv_mapping: { ...body.mapping } }),
    );
  return {
    account_id: account.id,
    format: body.format,
    dry_run: body.dry_run,
    rows: lines.length,
    created: body.dry_run ? counts.fresh : counts.created,
    matched: counts.matched,
    duplicates: counts.duplicates,
    skipped: counts.skipped,
    categorised: counts.fresh - counts.inbox,
    inbox: counts.inbox,
    months: [...months].sort(),
    bill_matches: counts.bills,
    statement: parsed.balance,
  };
}
