import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOfx } from "../../src/import/parse-ofx.js";

const sgml = readFileSync(new URL("../fixtures/checking-jan.ofx", import.meta.url), "utf8");

describe("parseOfx", () => {
  it("should read SGML transactions with their lines, FITIDs, entities and the ledger balance", () => {
    const s = parseOfx(sgml, "USD");
    expect(s.lines).toHaveLength(4);
    expect(s.lines[0]).toEqual({
      line: 39,
      date: "2026-01-04",
      amount_minor: -6218,
      payee: "KROGER #442",
      memo: "POS PURCHASE",
      bank_id: "2026010401",
    });
    expect(s.lines[2]?.memo).toBe("Recurring & subscription");
    expect(s.balance).toEqual({ balance_minor: 226784, as_of: "2026-01-31" });
  });

  it("should read the XML flavour", () => {
    const xml = `<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="220"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD</CURDEF><BANKTRANLIST>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260202</DTPOSTED><TRNAMT>-1,5</TRNAMT><FITID>x1</FITID><NAME>A &amp; B</NAME></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>10.00</BALAMT><DTASOF>20260203</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
    const s = parseOfx(xml, "USD");
    expect(s.lines).toEqual([
      { line: 3, date: "2026-02-02", amount_minor: -150, payee: "A & B", memo: null, bank_id: "x1" },
    ]);
    expect(s.balance).toEqual({ balance_minor: 1000, as_of: "2026-02-03" });
  });

  it("should refuse a bad amount, a missing date, another currency or a non-OFX file, naming the line", () => {
    expect(() => parseOfx(sgml.replace("<TRNAMT>1850.00", "<TRNAMT>18x0"), "USD")).toThrow(
      "Line 50: 'TRNAMT' '18x0' is not an amount",
    );
    expect(() => parseOfx(sgml.replace("<DTPOSTED>20260115\n", ""), "USD")).toThrow(
      "Line 47: 'DTPOSTED' is missing",
    );
    expect(() => parseOfx(sgml.replace("<DTPOSTED>20260115", "<DTPOSTED>20260231"), "USD")).toThrow(
      "'DTPOSTED' '20260231' is not an OFX date",
    );
    expect(() => parseOfx(sgml, "EUR")).toThrow("Line 30: 'CURDEF' is USD");
    expect(() => parseOfx("Date,Amount\n", "USD")).toThrow("is not an OFX file");
    expect(() => parseOfx("<OFX><STMTTRN><TRNAMT>1", "USD")).toThrow("never closed");
  });
});
