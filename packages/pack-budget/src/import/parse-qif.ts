import { parseBankAmount } from "./parse-bank-amount.js";
import { parseBankDate } from "./parse-bank-date.js";
import { cleanText, ImportLineError, type ParsedStatement, type StatementLine } from "./statement-line.js";

const CASH_TYPES = new Set(["bank", "cash", "ccard", "oth a", "oth l"]);

/**
 * Read a QIF file of a cash-like account (`!Type:Bank`, `Cash`, `CCard`, `Oth A`, `Oth L`): records of
 * `D` date, `T` (or `U`) amount, `P` payee, `M` memo, ended by `^`. Other fields (`N`, `L`, `C`,
 * splits) are ignored. Dates use `dateFormat`'s day order; `'` before a two-digit year means 20YY.
 * @example parseQif("!Type:Bank\nD01/03/2026\nT-42.50\nPShop\n^\n", "USD", "MM/DD/YYYY")
 * @throws ImportLineError naming the line and the QIF field letter
 */
export function parseQif(
  text: string,
  currency: string,
  dateFormat: "MM/DD/YYYY" | "DD/MM/YYYY",
): ParsedStatement {
  const raw = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  const lines: StatementLine[] = [];
  let sawType = false;
  let skipping = false;
  let rec: { line: number; date?: string; amount?: number; payee?: string; memo?: string } | null = null;
  const finish = (at: number) => {
    if (!rec) return;
    if (rec.date === undefined)
      throw new ImportLineError(rec.line, "D", `is missing from the record ending on line ${at}`);
    if (rec.amount === undefined)
      throw new ImportLineError(rec.line, "T", `is missing from the record ending on line ${at}`);
    lines.push({
      line: rec.line,
      date: rec.date,
      amount_minor: rec.amount,
      payee: cleanText(rec.payee, 200),
      memo: cleanText(rec.memo, 1000),
      bank_id: null,
    });
    rec = null;
  };
  raw.forEach((text, i) => {
    const n = i + 1;
    const s = text.trim();
    if (s === "") return;
    if (s.startsWith("!")) {
      const type = /^!Type:(.+)$/i.exec(s);
      if (type) {
        if (!CASH_TYPES.has((type[1] as string).trim().toLowerCase()))
          throw new ImportLineError(n, "!Type", `'${type[1]}' is not a bank, cash or card account`);
        sawType = true;
        skipping = false;
      } else if (/^!Account/i.test(s)) skipping = true;
      return;
    }
    if (!sawType && !skipping) throw new ImportLineError(n, "!Type", "must come first (e.g. !Type:Bank)");
    if (s === "^") {
      if (skipping) skipping = false;
      else finish(n);
      return;
    }
    if (skipping) return;
    rec ??= { line: n };
    const value = s.slice(1).trim();
    switch (s[0]) {
      case "D": {
        const date = parseBankDate(value.replace(/'\s*/, "/").replace(/\s+/g, ""), dateFormat);
        if (date === null)
          throw new ImportLineError(n, "D", `'${value}' is not a date in ${dateFormat} form`);
        rec.date = date;
        break;
      }
      case "T":
      case "U": {
        const amount = parseBankAmount(value, currency);
        if (typeof amount === "string") throw new ImportLineError(n, s[0], amount);
        rec.amount = amount;
        break;
      }
      case "P":
        rec.payee = value;
        break;
      case "M":
        rec.memo = value;
        break;
    }
  });
  finish(raw.length);
  if (!sawType) throw new ImportLineError(1, "!Type", "is missing (e.g. !Type:Bank)");
  return { lines, balance: null };
}
