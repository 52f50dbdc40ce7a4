import type { CsvMapping } from "../account-schemas.js";
import { parseBankAmount } from "./parse-bank-amount.js";
import { parseBankDate } from "./parse-bank-date.js";
import { parseCsv } from "./parse-csv.js";
import { cleanText, ImportLineError, type ParsedStatement, type StatementLine } from "./statement-line.js";

/** Two common bank CSV layouts. */
export const CSV_PRESETS: Readonly<Record<"signed-amount-mdy" | "debit-credit-dmy", CsvMapping>> = {
  /** `Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #` — US style, one signed amount. */
  "signed-amount-mdy": {
    date: "Posting Date",
    payee: "Description",
    memo: null,
    amount: "Amount",
    debit: null,
    credit: null,
    id: null,
    date_format: "MM/DD/YYYY",
    sign: "inflow_positive",
    decimal: ".",
    delimiter: ",",
    has_header: true,
  },
  /** `Date,Description,Reference,Paid out,Paid in,Balance` — UK style, money out and in in two columns. */
  "debit-credit-dmy": {
    date: "Date",
    payee: "Description",
    memo: "Reference",
    amount: null,
    debit: "Paid out",
    credit: "Paid in",
    id: null,
    date_format: "DD/MM/YYYY",
    sign: "inflow_positive",
    decimal: ".",
    delimiter: ",",
    has_header: true,
  },
};

type Column = string | number;

/**
 * Read a bank CSV export with a column mapping into statement lines. A row that cannot be read
 * refuses the whole file, naming its line and the mapping field. Rows whose amount is zero are kept
 * with amount 0 (the importer skips them).
 * @example csvStatement('Date,Payee,Amount\n2026-01-02,Shop,-4.50', { ...mapping }, "USD")
 * @throws ImportLineError
 */
export function csvStatement(text: string, mapping: CsvMapping, currency: string): ParsedStatement {
  const rows = parseCsv(text, mapping.delimiter);
  const header = mapping.has_header ? rows.shift() : undefined;
  const names = new Map((header?.cells ?? []).map((c, i) => [c.trim().toLowerCase(), i] as const));
  const indexOf = (key: string, col: Column | null): number | null => {
    if (col === null) return null;
    if (typeof col === "number") return col;
    const i = names.get(col.trim().toLowerCase());
    if (i === undefined)
      throw new ImportLineError(
        header?.line ?? 1,
        `mapping.${key}`,
        header
          ? `names column '${col}', which the header does not have`
          : "must be a column number when has_header is false",
      );
    return i;
  };
  const cols = {
    date: indexOf("date", mapping.date) as number,
    payee: indexOf("payee", mapping.payee) as number,
    memo: indexOf("memo", mapping.memo),
    amount: indexOf("amount", mapping.amount),
    debit: indexOf("debit", mapping.debit),
    credit: indexOf("credit", mapping.credit),
    id: indexOf("id", mapping.id),
  };
  const lines: StatementLine[] = [];
  for (const row of rows) {
    const cell = (i: number | null) => (i === null ? "" : (row.cells[i] ?? "").trim());
    const date = parseBankDate(cell(cols.date), mapping.date_format);
    if (date === null)
      throw new ImportLineError(
        row.line,
        "date",
        `'${cell(cols.date)}' is not a date in ${mapping.date_format} form`,
      );
    const amount = (key: "amount" | "debit" | "credit", i: number | null): number => {
      if (cell(i) === "") return 0;
      const a = parseBankAmount(cell(i), currency, mapping.decimal);
      if (typeof a === "string") throw new ImportLineError(row.line, key, a);
      return a;
    };
    let signed: number;
    if (cols.amount !== null) {
      if (cell(cols.amount) === "") throw new ImportLineError(row.line, "amount", "is empty");
      signed = amount("amount", cols.amount) * (mapping.sign === "outflow_positive" ? -1 : 1);
    } else {
      if (cell(cols.debit) === "" && cell(cols.credit) === "")
        throw new ImportLineError(row.line, "amount", "both the debit and the credit column are empty");
      // Some banks write money out as a negative number in the debit column; the column says the direction.
      signed = Math.abs(amount("credit", cols.credit)) - Math.abs(amount("debit", cols.debit));
    }
    lines.push({
      line: row.line,
      date,
      amount_minor: signed,
      payee: cleanText(cell(cols.payee), 200),
      memo: cleanText(cell(cols.memo), 1000),
      bank_id: cleanText(cell(cols.id), 200),
    });
  }
  return { lines, balance: null };
}
