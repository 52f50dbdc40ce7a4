/** One transaction read from a bank file, before it becomes a ledger entry. */
export interface StatementLine {
  /** Line of the file where the transaction starts (1-based). */
  readonly line: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Signed minor units: positive is money into the account. */
  readonly amount_minor: number;
  readonly payee: string | null;
  readonly memo: string | null;
  /** The bank's own id (OFX FITID, a CSV id column), when the file has one. */
  readonly bank_id: string | null;
}

/** A parsed bank file: its transactions and, when it states one, its closing balance. */
export interface ParsedStatement {
  readonly lines: StatementLine[];
  readonly balance: { readonly balance_minor: number; readonly as_of: string | null } | null;
}

/** A line of a bank file that cannot be read; the whole file is refused. */
export class ImportLineError extends Error {
  override readonly name = "ImportLineError";
  constructor(
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Line ${line}: '${field}' ${reason}`);
  }
}

/** Text of a field as stored: control characters dropped, blanks collapsed, cut to `max`, or null. */
export function cleanText(raw: string | undefined, max: number): string | null {
  const s = (raw ?? "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return s === "" ? null : s.slice(0, max);
}
