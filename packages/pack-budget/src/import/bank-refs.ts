import { createHash } from "node:crypto";
import type { StatementLine } from "./statement-line.js";

const norm = (s: string | null) => (s ?? "").toLowerCase().replace(/\s+/g, " ").trim();

/**
 * The dedupe keys of a file's lines, one line at a time in file order: from the bank's own id when
 * the file has one, else from a fingerprint (account, date, amount, payee) plus the line's
 * occurrence among identical lines of the file so far, so two equal coffees on one day stay two,
 * and re-importing an overlapping statement finds both again. Memos are left out: banks rewrite
 * them between exports. Keeps one counter per distinct fingerprint, keyed by a digest of it
 * rather than the text (a few dozen bytes a line at 100,000 lines); a file read twice needs two
 * counters, one per pass.
 * @example const refOf = bankRefCounter("acct_1"); refOf(line) // "br_3f…", stable across imports
 * @internal
 */
export function bankRefCounter(accountId: string): (line: StatementLine) => string {
  const seen = new Map<string, number>();
  return (l) => {
    let basis: string;
    if (l.bank_id !== null) basis = `id\u0000${l.bank_id}`;
    else {
      const fp = `fp\u0000${l.date}\u0000${l.amount_minor}\u0000${norm(l.payee)}`;
      const key = createHash("md5").update(fp).digest("base64");
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      basis = `${fp}\u0000${n}`;
    }
    // Hex of the first 16 bytes, not a slice of the whole digest's hex: a slice keeps its parent alive.
    return `br_${createHash("sha256").update(`${accountId}\u0000${basis}`).digest().toString("hex", 0, 16)}`;
  };
}

/**
 * The dedupe key of each line of a whole file (see {@link bankRefCounter}).
 * @example bankRefs("acct_1", lines) // ["br_3f…", …], one per line, stable across imports
 */
export function bankRefs(accountId: string, lines: readonly StatementLine[]): string[] {
  return lines.map(bankRefCounter(accountId));
}
