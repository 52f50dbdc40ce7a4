import type { CsvMapping } from "../account-schemas.js";
import { parseBankAmount } from "./parse-bank-amount.js";
import { parseBankDate } from "./parse-bank-date.js";
import { type CsvRow, parseCsv } from "./parse-csv.js";
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
 * Turns the records of a bank CSV export into statement lines, one record at a time: the first
 * record is the header when the mapping says so. A record that cannot be read throws, naming its
 * line and the mapping field. Rows whose amount is zero are kept with amount 0 (the importer skips
 * them). Holds only the column positions, so a file of any size streams through it.
 * @example
 * const read = csvLineReader(mapping, "USD");
 * for (const row of rows) { const line = read(row); if (line) lines.push(line); }
 * @throws ImportLineError
 * @internal
 */
export function csvLineReader(mapping: CsvMapping, currency: string): (row: CsvRow) => StatementLine | null {
  let cols: {
    date: number;
    payee: number;
    memo: number | null;
    amount: number | null;
    debit: number | null;
    credit: number | null;
    id: number | null;
  } | null = null;
  const columns = (header: CsvRow | undefined) => {
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
    return {
      date: indexOf("date", mapping.date) as number,
      payee: indexOf("payee", mapping.payee) as number,
      memo: indexOf("memo", mapping.memo),
      amount: indexOf("amount", mapping.amount),
      debit: indexOf("debit", mapping.debit),
      credit: indexOf("credit", mapping.credit),
      id: indexOf("id", mapping.id),
    };
  };
  return (row) => {
    if (cols === null) {
      cols = columns(mapping.has_header ? row : undefined);
      if (mapping.has_header) return null;
    }
    const c = cols;
    const cell = (i: number | null) => (i === null ? "" : (row.cells[i] ?? "").trim());
    const date = parseBankDate(cell(c.date), mapping.date_format);
    if (date === null)
      throw new ImportLineError(
        row.line,
        "date",
        `'${cell(c.date)}' is not a date in ${mapping.date_format} form`,
      );
    const amount = (key: "amount" | "debit" | "credit", i: number | null): number => {
      if (cell(i) === "") return 0;
      const a = parseBankAmount(cell(i), currency, mapping.decimal);
      if (typeof a === "string") throw new ImportLineError(row.line, key, a);
      return a;
    };
    let signed: number;
    if (c.amount !== null) {
      if (cell(c.amount) === "") throw new ImportLineError(row.line, "amount", "is empty");
      signed = amount("amount", c.amount) * (mapping.sign === "outflow_positive" ? -1 : 1);
    } else {
      if (cell(c.debit) === "" && cell(c.credit) === "")
        throw new ImportLineError(row.line, "amount", "both the debit and the credit column are empty");
      // Some banks write money out as a negative number in the debit column; the column says the direction.
      signed = Math.abs(amount("credit", c.credit)) - Math.abs(amount("debit", c.debit));
    }
    return {
      line: row.line,
      date,
      amount_minor: signed,
      payee: cleanText(cell(c.payee), 200),
      memo: cleanText(cell(c.memo), 1000),
      bank_id: cleanText(cell(c.id), 200),
    };
  };
}

/**
 * Read a whole bank CSV export with a column mapping into statement lines (see
 * {@link csvLineReader}; the importer streams instead).
 * @example csvStatement('Date,Payee,Amount\n2026-01-02,Shop,-4.50', { ...mapping }, "USD")
 * @throws ImportLineError
 */
export function csvStatement(text: string, mapping: CsvMapping, currency: string): ParsedStatement {
  const read = csvLineReader(mapping, currency);
  const lines: StatementLine[] = [];
  for (const row of parseCsv(text, mapping.delimiter)) {
    const line = read(row);
    if (line) lines.push(line);
  }
  return { lines, balance: null };
}
