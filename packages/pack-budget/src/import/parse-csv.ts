import { ImportLineError } from "./statement-line.js";

/** One CSV record and the line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

/**
 * An incremental RFC 4180 reader: feed text in pieces of any size with {@link CsvReader.push}, then
 * call {@link CsvReader.end}; each returns the records completed so far. Quoted fields may hold the
 * delimiter, `""` and line breaks; CRLF, LF and CR all end a record; a leading BOM is dropped; blank
 * lines are skipped. Each record carries the line it starts on, so errors can name it. Only the
 * record being read is held, so a file of any size is read in constant memory.
 * @example
 * const r = new CsvReader();
 * r.push('a,"b,'); // []
 * r.push('c"\r\n1,2'); // [{ line: 1, cells: ["a", "b,c"] }]
 * r.end(); // [{ line: 2, cells: ["1", "2"] }]
 * @throws ImportLineError for a quote inside an unquoted field, text after a closing quote, or an unclosed quote
 * @public
 */
export class CsvReader {
  private carry = "";
  private started = false;
  private line = 1;
  private rowLine = 1;
  private field = "";
  private cells: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private quoted = false;
  private rows: CsvRow[] = [];

  /** @param delimiter - the field separator. @defaultValue `","` */
  constructor(private readonly delimiter = ",") {}

  /** Read the next piece of text; returns the records it completed. */
  push(chunk: string): CsvRow[] {
    let text = this.carry + chunk;
    this.carry = "";
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR or a quote at the end of a piece needs the next character to be read right (CRLF, `""`):
    // keep it (and the quotes before a quote, which pair up) for the next piece.
    let cut = text.length;
    if (text[cut - 1] === "\r") cut--;
    else while (cut > 0 && text[cut - 1] === '"') cut--;
    this.carry = text.slice(cut);
    this.scan(cut === text.length ? text : text.slice(0, cut));
    return this.take();
  }

  /** The end of the text: returns the last record, if any. */
  end(): CsvRow[] {
    const rest = this.carry;
    this.carry = "";
    this.scan(rest);
    if (this.inQuotes)
      throw new ImportLineError(this.rowLine, "content", "has a quoted field that is never closed");
    if (this.field !== "" || this.cells.length > 0 || this.quoted) this.endRow();
    return this.take();
  }

  private take(): CsvRow[] {
    const out = this.rows;
    this.rows = [];
    return out;
  }

  private endRow() {
    this.cells.push(this.field);
    if (this.cells.length > 1 || this.cells[0] !== "" || this.quoted)
      this.rows.push({ line: this.rowLine, cells: this.cells });
    this.cells = [];
    this.field = "";
    this.afterQuote = false;
    this.quoted = false;
  }

  /** The state machine over one piece, which never ends where the next character matters. */
  private scan(text: string) {
    let i = 0;
    while (i < text.length) {
      const ch = text[i] as string;
      const next = text[i + 1];
      if (this.inQuotes) {
        if (ch === '"') {
          if (next === '"') {
            this.field += '"';
            i += 2;
            continue;
          }
          this.inQuotes = false;
          this.afterQuote = true;
        } else if (ch === "\r" || ch === "\n") {
          if (ch === "\r" && next === "\n") i++;
          this.field += "\n";
          this.line++;
        } else this.field += ch;
        i++;
        continue;
      }
      if (ch === this.delimiter) {
        this.cells.push(this.field);
        this.field = "";
        this.afterQuote = false;
      } else if (ch === "\r" || ch === "\n") {
        if (ch === "\r" && next === "\n") i++;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else if (this.afterQuote) {
        if (ch !== " " && ch !== "\t")
          throw new ImportLineError(this.line, "content", "has text after a closing quote");
      } else if (ch === '"') {
        if (this.field.trim() !== "")
          throw new ImportLineError(this.line, "content", "has a quote inside an unquoted field");
        this.field = "";
        this.inQuotes = true;
        this.quoted = true;
      } else this.field += ch;
      i++;
    }
  }
}

/**
 * Split CSV text into records (see {@link CsvReader} for the rules).
 * @example parseCsv('a,"b,c"\r\n1,2') // [{ line: 1, cells: ["a", "b,c"] }, { line: 2, cells: ["1", "2"] }]
 * @throws ImportLineError for a quote inside an unquoted field, text after a closing quote, or an unclosed quote
 */
export function parseCsv(text: string, delimiter = ","): CsvRow[] {
  const reader = new CsvReader(delimiter);
  return [...reader.push(text), ...reader.end()];
}
