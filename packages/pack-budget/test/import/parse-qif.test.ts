import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseQif } from "../../src/import/parse-qif.js";

const qif = readFileSync(new URL("../fixtures/card-jan.qif", import.meta.url), "utf8");

describe("parseQif", () => {
  it("should read records with apostrophe years, U/T amounts, payees and memos", () => {
    const s = parseQif(qif, "USD", "MM/DD/YYYY");
    expect(s.lines.map((l) => [l.line, l.date, l.amount_minor, l.payee, l.memo])).toEqual([
      [2, "2026-01-06", -5420, "AMAZON MKTPLACE", "Order 113-2231"],
      [7, "2026-01-14", -1800, "CINEMA CITY", null],
      [13, "2026-01-14", -1800, "CINEMA CITY", null],
      [17, "2026-01-28", 25000, "PAYMENT THANK YOU", null],
    ]);
  });

  it("should skip an !Account block, read CRLF and day-first dates", () => {
    const text =
      "!Account\r\nNChecking\r\nTBank\r\n^\r\n!Type:Bank\r\nD31/01/2026\r\nT1,000.00\r\nPX\r\n^\r\n";
    expect(parseQif(text, "USD", "DD/MM/YYYY").lines).toEqual([
      { line: 6, date: "2026-01-31", amount_minor: 100000, payee: "X", memo: null, bank_id: null },
    ]);
  });

  it("should refuse bad records naming the line and field letter", () => {
    expect(() => parseQif(qif.replace("T250.00", "Tlots"), "USD", "MM/DD/YYYY")).toThrow("Line 18: 'T'");
    expect(() => parseQif(qif.replace("D01/28/2026\n", ""), "USD", "MM/DD/YYYY")).toThrow(
      "Line 17: 'D' is missing from the record ending on line 19",
    );
    expect(() => parseQif(qif.replace("D01/28/2026", "D13/28/2026"), "USD", "MM/DD/YYYY")).toThrow(
      "Line 17: 'D'",
    );
    expect(() => parseQif("!Type:Invst\n", "USD", "MM/DD/YYYY")).toThrow("not a bank, cash or card account");
    expect(() => parseQif("D01/01/2026\nT1\n^\n", "USD", "MM/DD/YYYY")).toThrow("'!Type' must come first");
  });
});
