import { describe, expect, it } from "vitest";
import { parseBankDate } from "../../src/import/parse-bank-date.js";

describe("parseBankDate", () => {
  it("should read the three formats, short forms and OFX-like compact dates", () => {
    expect(parseBankDate("2026-01-31", "YYYY-MM-DD")).toBe("2026-01-31");
    expect(parseBankDate("20260131", "YYYY-MM-DD")).toBe("2026-01-31");
    expect(parseBankDate("01/02/2026", "MM/DD/YYYY")).toBe("2026-01-02");
    expect(parseBankDate("01/02/2026", "DD/MM/YYYY")).toBe("2026-02-01");
    expect(parseBankDate("3.1.26", "DD/MM/YYYY")).toBe("2026-01-03");
  });

  it("should refuse impossible dates and the wrong order", () => {
    expect(parseBankDate("02/30/2026", "MM/DD/YYYY")).toBeNull();
    expect(parseBankDate("31/01/2026", "MM/DD/YYYY")).toBeNull();
    expect(parseBankDate("2026/01/31", "DD/MM/YYYY")).toBeNull();
    expect(parseBankDate("", "YYYY-MM-DD")).toBeNull();
  });
});
