import { parseBankAmount } from "./parse-bank-amount.js";
import { cleanText, ImportLineError, type ParsedStatement, type StatementLine } from "./statement-line.js";

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

const decode = (s: string) =>
  s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isInteger(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });

/** A function from a text offset to its 1-based line, by binary search over the line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Leaf elements of an aggregate: `<TAG>value` (SGML, no end tag) or `<TAG>value</TAG>` (XML). */
function leaves(body: string): Map<string, { value: string; offset: number }> {
  const out = new Map<string, { value: string; offset: number }>();
  for (const m of body.matchAll(/<([A-Za-z0-9.]+)>([^<\r\n]*)/g)) {
    const tag = (m[1] as string).toUpperCase();
    const value = decode((m[2] as string).trim());
    if (!out.has(tag) && value !== "") out.set(tag, { value, offset: m.index ?? 0 });
  }
  return out;
}

/** `YYYYMMDD[HHMMSS[.XXX]][[±h:TZ]]` → `YYYY-MM-DD` (the date as the bank wrote it). */
function ofxDate(raw: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(raw);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * Read an OFX or QFX statement, SGML (OFX 1.x) or XML (OFX 2.x): every `STMTTRN` with `FITID`,
 * `DTPOSTED`, `TRNAMT`, `NAME` (or `PAYEE`) and `MEMO`, and the `LEDGERBAL` closing balance.
 * @example parseOfx(text, "USD").lines[0] // { line: 22, date: "2026-01-03", amount_minor: -4250, … }
 * @throws ImportLineError naming the line and the OFX element
 */
export function parseOfx(text: string, currency: string): ParsedStatement {
  if (!/<OFX>/i.test(text)) throw new ImportLineError(1, "content", "is not an OFX file (no <OFX> element)");
  const lineAt = lineIndex(text);
  const cur = /<CURDEF>([A-Za-z]{3})/i.exec(text);
  if (cur && (cur[1] as string).toUpperCase() !== currency)
    throw new ImportLineError(lineAt(cur.index), "CURDEF", `is ${cur[1]}, the account is in ${currency}`);
  const lines: StatementLine[] = [];
  const opens = [...text.matchAll(/<STMTTRN>/gi)];
  const close = /<\/STMTTRN>/gi;
  for (const open of opens) {
    const start = (open.index ?? 0) + open[0].length;
    close.lastIndex = start;
    const end = close.exec(text)?.index ?? -1;
    const line = lineAt(open.index ?? 0);
    if (end === -1) throw new ImportLineError(line, "STMTTRN", "is never closed with </STMTTRN>");
    const body = text.slice(start, end);
    if (/<STMTTRN>/i.test(body))
      throw new ImportLineError(line, "STMTTRN", "is never closed with </STMTTRN>");
    const f = leaves(body);
    const fieldLine = (tag: string) => lineAt(start + (f.get(tag)?.offset ?? 0));
    const posted = f.get("DTPOSTED");
    if (!posted) throw new ImportLineError(line, "DTPOSTED", "is missing");
    const date = ofxDate(posted.value);
    if (date === null)
      throw new ImportLineError(fieldLine("DTPOSTED"), "DTPOSTED", `'${posted.value}' is not an OFX date`);
    const amt = f.get("TRNAMT");
    if (!amt) throw new ImportLineError(line, "TRNAMT", "is missing");
    const decimal = amt.value.includes(",") && !amt.value.includes(".") ? "," : ".";
    const amount = parseBankAmount(amt.value, currency, decimal);
    if (typeof amount === "string") throw new ImportLineError(fieldLine("TRNAMT"), "TRNAMT", amount);
    lines.push({
      line,
      date,
      amount_minor: amount,
      payee: cleanText(f.get("NAME")?.value ?? f.get("PAYEE")?.value, 200),
      memo: cleanText(f.get("MEMO")?.value, 1000),
      bank_id: cleanText(f.get("FITID")?.value, 200),
    });
  }
  return { lines, balance: ledgerBalance(text, currency, lineAt) };
}

function ledgerBalance(
  text: string,
  currency: string,
  lineAt: (offset: number) => number,
): ParsedStatement["balance"] {
  const m = /<LEDGERBAL>([\s\S]*?)(?:<\/LEDGERBAL>|<AVAILBAL>|<\/STMTRS>|<\/CCSTMTRS>)/i.exec(text);
  if (!m) return null;
  const f = leaves(m[1] as string);
  const bal = f.get("BALAMT");
  if (!bal) return null;
  const amount = parseBankAmount(
    bal.value,
    currency,
    bal.value.includes(",") && !bal.value.includes(".") ? "," : ".",
  );
  if (typeof amount === "string")
    throw new ImportLineError(lineAt((m.index ?? 0) + "<LEDGERBAL>".length + bal.offset), "BALAMT", amount);
  const asOf = f.get("DTASOF");
  return { balance_minor: amount, as_of: asOf ? ofxDate(asOf.value) : null };
}
