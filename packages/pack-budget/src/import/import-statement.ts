import { formatMoney, ProblemError, type Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { refuseOutsideOpenRange } from "../account-guards.js";
import { type Account, CsvMapping, type ImportBody } from "../account-schemas.js";
import { lockAccounts } from "../account-totals.js";
import { matchPlanned, settleMatches } from "../bill-match.js";
import { refuseClosed, withMonth } from "../posting.js";
import { recordBatch } from "../record-batch.js";
import { fieldProblem } from "../service.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";
import { CSV_PRESETS, csvStatement } from "./csv-statement.js";
import { parseOfx } from "./parse-ofx.js";
import { parseQif } from "./parse-qif.js";
import { type ImportPlan, type MatchedLine, type PlannedEntry, planImport } from "./plan-import.js";
import { ImportLineError, type ParsedStatement } from "./statement-line.js";

const PREVIEW = 20;
/** Lease of an account's import lock (renewed while the import runs). @internal */
export const LOCK_TTL_MS = 10_000;

/** The CSV mapping to use: the request's, a preset, or the one saved on the account. */
function mappingOf(body: ImportBody, account: Stored<Account>): CsvMapping {
  if (body.mapping && body.preset)
    throw fieldProblem(400, "validation-failed", "preset", "cannot be sent with mapping");
  if (body.mapping) return body.mapping;
  if (body.preset) return CSV_PRESETS[body.preset];
  const saved = account.csv_mapping === null ? null : v.safeParse(CsvMapping, account.csv_mapping);
  if (saved?.success) return saved.output;
  throw fieldProblem(
    400,
    "validation-failed",
    "mapping",
    "is required for the account's first CSV import (or send a preset)",
  );
}

/** Parse the whole file first; a line that cannot be read refuses it (400 naming line and field). */
export function parseStatement(body: ImportBody, account: Stored<Account>): ParsedStatement {
  if (!body.content.isWellFormed())
    throw fieldProblem(400, "validation-failed", "content", "must be valid text");
  if (body.format !== "csv" && (body.mapping || body.preset))
    throw fieldProblem(
      400,
      "validation-failed",
      body.mapping ? "mapping" : "preset",
      "applies only to csv files",
    );
  try {
    if (body.format === "csv") return csvStatement(body.content, mappingOf(body, account), account.currency);
    if (body.format === "ofx") return parseOfx(body.content, account.currency);
    return parseQif(body.content, account.currency, body.date_format ?? "MM/DD/YYYY");
  } catch (err) {
    if (!(err instanceof ImportLineError)) throw err;
    throw new ProblemError(
      400,
      "import-invalid-line",
      `The ${body.format} file was not imported: ${err.message}`,
      {
        line: err.line,
        errors: [
          {
            pointer: "/body/content",
            field: err.field,
            message: `line ${err.line}: ${err.reason}`,
            line: err.line,
          },
        ],
      },
    );
  }
}

/**
 * Give the hand-entered entries that bank lines confirm their dedupe keys (they become cleared; no
 * figure changes). An entry voided or confirmed since planning is left alone; its line is then
 * neither booked nor known, so the next import of the file books it.
 */
async function confirmMatches(ctx: BudgetContext, accountId: string, matches: readonly MatchedLine[]) {
  if (matches.length === 0) return;
  await lockAccounts(ctx, [accountId], async () => {
    for (const m of matches) {
      const e = await ctx.storage.transactions.get(m.entry_id);
      if (!e || e.bank_ref || (await ctx.storage.transactions.get(`${e.id}_void`))) continue;
      await ctx.storage.transactions.update(e.id, { bank_ref: m.ref }, { ifRev: e.rev });
    }
  });
}

/**
 * Write planned entries month by month, each month under its lock and the account's (a close or a
 * reconciliation lock that came in since planning still refuses). The caller holds the account's
 * import lock from planning to here, so two imports of overlapping files cannot both write a line.
 * Not one transaction: a crash between months leaves the earlier months written, and re-sending
 * the file writes only the rest (the dedupe keys find what landed).
 * @returns how many entries were written
 */
export async function writePlanned(ctx: BudgetContext, accountId: string, plan: ImportPlan): Promise<number> {
  const fresh = plan.fresh;
  await confirmMatches(ctx, accountId, plan.matches);
  const byMonth = new Map<string, PlannedEntry[]>();
  for (const p of fresh) {
    const list = byMonth.get(p.entry.month);
    if (list) list.push(p);
    else byMonth.set(p.entry.month, [p]);
  }
  let created = 0;
  for (const month of [...byMonth.keys()].sort()) {
    await withMonth(ctx, month, () =>
      lockAccounts(ctx, [accountId], async () => {
        const account = await ctx.storage.accounts.require(accountId);
        await refuseClosed(ctx, month, "content");
        const todo = byMonth.get(month) ?? [];
        for (const p of todo) refuseOutsideOpenRange(account, p.entry.date, "content", p.line);
        await recordBatch(ctx, month, todo);
        created += todo.length;
      }),
    );
  }
  return created;
}

/**
 * Import a bank file into an account: parse and validate it whole, dedupe, categorise with the rules
 * (the rest lands in the inbox), then write, unless `dry_run`. A CSV mapping sent with a real import
 * is saved on the account for the next one.
 */
export async function importStatement(
  ctx: BudgetContext,
  accountId: string,
  body: ImportBody,
  actor: string,
) {
  const account = await ctx.storage.accounts.require(accountId);
  if (account.status !== "active")
    throw new ProblemError(409, "account-closed", `Account '${accountId}' is closed`);
  const parsed = parseStatement(body, account);
  const run = async () => {
    const planned = await planImport(ctx, account, parsed.lines, actor);
    const billed = await matchPlanned(ctx, planned.fresh);
    const plan = { ...planned, fresh: billed.fresh };
    if (body.dry_run) return { plan, created: plan.fresh.length, bill_matches: billed.matches };
    const created = await writePlanned(ctx, account.id, plan);
    return { plan, created, bill_matches: await settleMatches(ctx, billed.matches) };
  };
  const { plan, created, bill_matches } = body.dry_run
    ? await run()
    : await ctx.locks.withLock(`import:${account.id}`, LOCK_TTL_MS, run, { waitMs: 120_000 });
  if (!body.dry_run && body.format === "csv" && body.mapping)
    await afterWrite(ctx, () =>
      ctx.storage.accounts.update(account.id, { csv_mapping: { ...body.mapping } }),
    );
  const inbox = plan.fresh.filter((p) => p.entry.inbox).length;
  return {
    account_id: account.id,
    format: body.format,
    dry_run: body.dry_run,
    rows: parsed.lines.length,
    created,
    matched: plan.matches.length,
    duplicates: parsed.lines.length - plan.skipped - plan.matches.length - created,
    skipped: plan.skipped,
    categorised: plan.fresh.length - inbox,
    inbox,
    months: [...new Set(plan.fresh.map((p) => p.entry.month))].sort(),
    preview: plan.fresh.slice(0, PREVIEW).map((p) => ({
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
    })),
    statement: parsed.balance,
    matches: plan.matches.slice(0, PREVIEW),
    /** Lines that pay a bill occurrence (settled on the bill unless this is a dry run). */
    bill_matches,
  };
}
