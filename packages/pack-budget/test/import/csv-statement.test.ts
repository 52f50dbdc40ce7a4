import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CSV_PRESETS, csvStatement } from "../../src/import/csv-statement.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

describe("csvStatement", () => {
  it("should read the signed-amount preset with quoted commas and CRLF", () => {
    const s = csvStatement(fixture("us-checking-jan.csv"), CSV_PRESETS["signed-amount-mdy"], "USD");
    expect(s.lines).toHaveLength(6);
    expect(s.lines[3]).toEqual({
      line: 5,
      date: "2026-01-07",
      amount_minor: -450,
      payee: "STARBUCKS, AUSTIN",
      memo: null,
      bank_id: null,
    });
  });

  it("should read the debit/credit preset with thousands separators and parentheses", () => {
    const s = csvStatement(fixture("uk-current-jan.csv"), CSV_PRESETS["debit-credit-dmy"], "GBP");
    expect(s.lines.map((l) => [l.date, l.amount_minor, l.memo])).toEqual([
      ["2026-01-02", -2340, "CARD 1234, 01/01"],
      ["2026-01-05", 215000, "SALARY JAN"],
      ["2026-01-06", -3800, "DD"],
      ["2026-01-31", -1125, "CARD 1234, 30/01"],
    ]);
  });

  it("should honour outflow-positive signs, column numbers without a header, and an id column", () => {
    const s = csvStatement(
      "2026-01-02;Shop;12,50;A1\n2026-01-03;Refund;-2,00;A2\n",
      {
        ...CSV_PRESETS["signed-amount-mdy"],
        date: 0,
        payee: 1,
        amount: 2,
        id: 3,
        date_format: "YYYY-MM-DD",
        sign: "outflow_positive",
        decimal: ",",
        delimiter: ";",
        has_header: false,
      },
      "EUR",
    );
    expect(s.lines.map((l) => [l.amount_minor, l.bank_id])).toEqual([
      [-1250, "A1"],
      [200, "A2"],
    ]);
  });

  it("should name the line and field of a bad row, and a column the header lacks", () => {
    const bad = fixture("us-checking-jan.csv").replace("01/09/2026", "13/09/2026");
    expect(() => csvStatement(bad, CSV_PRESETS["signed-amount-mdy"], "USD")).toThrow(
      "Line 7: 'date' '13/09/2026' is not a date in MM/DD/YYYY form",
    );
    const amt = fixture("us-checking-jan.csv").replace("-15.49", "-15.4.9");
    expect(() => csvStatement(amt, CSV_PRESETS["signed-amount-mdy"], "USD")).toThrow("Line 4: 'amount'");
    expect(() =>
      csvStatement(fixture("uk-current-jan.csv"), CSV_PRESETS["signed-amount-mdy"], "USD"),
    ).toThrow("Line 1: 'mapping.date' names column 'Posting Date', which the header does not have");
  });
});
