import { ImportLineError } from "./statement-line.js";

/** One CSV record and the line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

/**
 * Split CSV text into records (RFC 4180): quoted fields may hold the delimiter, `""` and line breaks;
 * CRLF, LF and CR all end a record; a leading BOM is dropped; blank lines are skipped. Each record
 * carries the line it starts on, so errors can name it.
 * @example parseCsv('a,"b,c"\r\n1,2') // [{ line: 1, cells: ["a", "b,c"] }, { line: 2, cells: ["1", "2"] }]
 * @throws ImportLineError for a quote inside an unquoted field, text after a closing quote, or an unclosed quote
 */
export function parseCsv(text: string, delimiter = ","): CsvRow[] {
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let rowLine = 1;
  let field = "";
  let cells: string[] = [];
  let inQuotes = false;
  let afterQuote = false;
  let quoted = false;
  const endRow = () => {
    cells.push(field);
    if (cells.length > 1 || cells[0] !== "" || quoted) rows.push({ line: rowLine, cells });
    cells = [];
    field = "";
    afterQuote = false;
    quoted = false;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        afterQuote = true;
      } else if (ch === "\r" || ch === "\n") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        field += "\n";
        line++;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === delimiter) {
      cells.push(field);
      field = "";
      afterQuote = false;
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else if (afterQuote) {
      if (ch !== " " && ch !== "\t")
        throw new ImportLineError(line, "content", "has text after a closing quote");
    } else if (ch === '"') {
      if (field.trim() !== "")
        throw new ImportLineError(line, "content", "has a quote inside an unquoted field");
      field = "";
      inQuotes = true;
      quoted = true;
    } else field += ch;
    i++;
  }
  if (inQuotes) throw new ImportLineError(rowLine, "content", "has a quoted field that is never closed");
  if (field !== "" || cells.length > 0 || quoted) endRow();
  return rows;
}
