import { createId, ProblemError, type Stored } from "@valhalla/runtime";
import { refuseOutsideOpenRange } from "../account-guards.js";
import type { Account } from "../account-schemas.js";
import { isClosed } from "../ledger.js";
import { activeRules } from "../posting.js";
import { applyRules } from "../rules.js";
import type { Bucket, Transaction } from "../schemas.js";
import type { BudgetContext } from "../storage.js";
import { bankRefs } from "./bank-refs.js";
import { type AccountLedgerIndex, accountLedgerIndex, matchManual } from "./match-manual.js";
import type { StatementLine } from "./statement-line.js";

/** A ledger entry an import will write, with the file line it came from. */
export interface PlannedEntry {
  readonly line: number;
  readonly id: string;
  readonly entry: Transaction;
}

/** A bank line that confirms an entry a person already entered (it gets the line's dedupe key). */
export interface MatchedLine {
  readonly line: number;
  readonly ref: string;
  readonly entry_id: string;
}

/** What an import would do: the new entries, the confirmed ones, and the lines it leaves out. */
export interface ImportPlan {
  readonly fresh: PlannedEntry[];
  readonly matches: MatchedLine[];
  /** Lines already in the ledger (or repeated in the file under the same bank id). */
  readonly duplicates: number;
  /** Lines with a zero amount (balance notes, pending holds): nothing to book. */
  readonly skipped: number;
}

/**
 * What planning a file in parts shares from part to part: the dedupe keys of the part's lines
 * (counted from the top of the file), the account's ledger as it was before the import, and the
 * bank-id keys and hand-entered entries earlier parts used.
 */
export interface PlanState {
  readonly refs: readonly string[];
  readonly ledger: AccountLedgerIndex;
  readonly inFile: Set<string>;
  readonly claimed: Set<string>;
}

/**
 * Turn parsed lines into ledger entries without writing anything: dedupe against the ledger, let a
 * line confirm a matching hand-entered entry instead of booking it twice, refuse
 * the file when a new line falls before the account opened, into a reconciled range or a closed
 * month (naming the line), and categorise with the ledger rules. What no rule places goes to the
 * inbox. The essentials gate is not applied: the money has already moved. With `checkOnly`, stops
 * after the refusals and returns no entries.
 * @internal
 */
export async function planImport(
  ctx: BudgetContext,
  account: Stored<Account>,
  lines: readonly StatementLine[],
  actor: string,
  shared?: PlanState,
  checkOnly = false,
): Promise<ImportPlan> {
  const refs = shared?.refs ?? bankRefs(account.id, lines);
  const ledger = shared?.ledger ?? (await accountLedgerIndex(ctx, account.id));
  const inFile = shared?.inFile ?? new Set<string>();
  const claimed = shared?.claimed ?? new Set<string>();
  const kept: { line: StatementLine; ref: string }[] = [];
  const matches: MatchedLine[] = [];
  let duplicates = 0;
  let skipped = 0;
  for (const [i, line] of lines.entries()) {
    const ref = refs[i] as string;
    if (line.amount_minor === 0) skipped++;
    else if (inFile.has(ref) || ledger.refs.has(ref)) duplicates++;
    else {
      const m = matchManual(ledger.manual, claimed, line);
      if (m) matches.push({ line: line.line, ref, entry_id: m.id });
      else kept.push({ line, ref });
    }
    // Only a bank id can repeat within a file: a fingerprint key carries the line's occurrence.
    if (line.bank_id !== null) inFile.add(ref);
  }
  const closed = new Map<string, boolean>();
  for (const { line } of kept) {
    refuseOutsideOpenRange(account, line.date, "content", line.line);
    const month = line.date.slice(0, 7);
    if (!closed.has(month)) closed.set(month, await isClosed(ctx, month));
    if (closed.get(month))
      throw new ProblemError(
        409,
        "month-closed",
        `Line ${line.line}: ${line.date} falls in closed month ${month}`,
        {
          month,
          line: line.line,
          errors: [
            {
              pointer: "/body/content",
              field: "date",
              message: `line ${line.line}: falls in closed month ${month}`,
            },
          ],
        },
      );
  }
  // The check pass of a real import needs only the refusals above: its entries would be thrown away.
  if (checkOnly) return { fresh: [], matches, duplicates, skipped };
  const rules = await activeRules(ctx);
  const buckets = new Map<string, Stored<Bucket>>();
  for await (const b of ctx.storage.buckets.iterate({ where: { status: "active" } })) buckets.set(b.id, b);
  const fresh = kept.map(({ line, ref }): PlannedEntry => {
    const kind = line.amount_minor > 0 ? ("income" as const) : ("expense" as const);
    const amount = Math.abs(line.amount_minor);
    const month = line.date.slice(0, 7);
    const r = applyRules(rules, { kind, payee: line.payee, memo: line.memo, amount_minor: amount });
    const bucket = r.bucket_id === undefined ? undefined : buckets.get(r.bucket_id);
    // A rule pointing at an archived bucket, or one that starts later, leaves the entry to a person.
    const bucketId = bucket && month >= bucket.start_month ? bucket.id : null;
    const category = r.category ?? null;
    const auto: ("bucket_id" | "category")[] = [];
    if (bucketId !== null) auto.push("bucket_id");
    if (category !== null) auto.push("category");
    return {
      line: line.line,
      id: createId("tx"),
      entry: {
        kind,
        amount_minor: amount,
        currency: account.currency,
        date: line.date,
        month,
        bucket_id: bucketId,
        category,
        payee: line.payee,
        memo: line.memo,
        reverses: null,
        rule_ids: r.rule_ids,
        auto_fields: auto,
        override: null,
        actor,
        account_id: account.id,
        source: "import",
        bank_ref: ref,
        inbox: kind === "expense" ? bucketId === null : r.rule_ids.length === 0,
        transfer_id: null,
        bill_payment: null,
      },
    };
  });
  return { fresh, matches, duplicates, skipped };
}
