import { daysBetween, type Stored } from "@valhalla/runtime";
import type { Transaction } from "../schemas.js";
import type { BudgetContext } from "../storage.js";
import type { StatementLine } from "./statement-line.js";

/** How far a bank's posting date may be from the date a person entered. */
export const MATCH_WINDOW_DAYS = 3;

/** What an import needs to know of an account's ledger: its dedupe keys and its hand-entered entries. */
export interface AccountLedgerIndex {
  /** Dedupe keys already in the ledger. */
  readonly refs: Set<string>;
  /** Hand-entered income and expenses the bank has not confirmed yet (not voided), oldest first. */
  readonly manual: Stored<Transaction>[];
}

/**
 * One pass over the account's entries through its index: the dedupe keys, and the hand-entered
 * entries (and bill payments posted from the bills pack) an imported line may confirm instead of
 * being booked twice.
 * @internal
 */
export async function accountLedgerIndex(ctx: BudgetContext, accountId: string): Promise<AccountLedgerIndex> {
  const refs = new Set<string>();
  const voided = new Set<string>();
  const manual: Stored<Transaction>[] = [];
  for await (const e of ctx.storage.transactions.iterate({
    where: { account_id: accountId },
    order: "asc",
  })) {
    if (e.bank_ref) refs.add(e.bank_ref);
    if (e.reverses !== null) voided.add(e.reverses);
    else if (
      // A bill payment posted from the bills pack is money the bank will show too.
      ["manual", "bill"].includes(e.source ?? "manual") &&
      !e.bank_ref &&
      (e.kind === "income" || e.kind === "expense")
    )
      manual.push(e);
  }
  return { refs, manual: manual.filter((e) => !voided.has(e.id)) };
}

/**
 * The hand-entered entry a bank line confirms: same direction and amount, dated within
 * {@link MATCH_WINDOW_DAYS} days, the closest in date first; each entry confirms one line at most.
 * @internal
 */
export function matchManual(
  manual: readonly Stored<Transaction>[],
  claimed: Set<string>,
  line: StatementLine,
): Stored<Transaction> | undefined {
  const kind = line.amount_minor > 0 ? "income" : "expense";
  let best: { e: Stored<Transaction>; gap: number } | undefined;
  for (const e of manual) {
    if (claimed.has(e.id) || e.kind !== kind || e.amount_minor !== Math.abs(line.amount_minor)) continue;
    const gap = Math.abs(daysBetween(e.date, line.date));
    if (gap <= MATCH_WINDOW_DAYS && (!best || gap < best.gap)) best = { e, gap };
  }
  if (best) claimed.add(best.e.id);
  return best?.e;
}
