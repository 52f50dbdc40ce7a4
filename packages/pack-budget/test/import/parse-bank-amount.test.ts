import { describe, expect, it } from "vitest";
import { parseBankAmount } from "../../src/import/parse-bank-amount.js";

describe("parseBankAmount", () => {
  it.each([
    ["12.30", 1230],
    ["-12.30", -1230],
    ["+12.30", 1230],
    ["12.30-", -1230],
    ["(1,234.50)", -123450],
    ["$1,234,567.89", 123456789],
    ["-$4.50", -450],
    ["USD 7", 700],
    ["0.00", 0],
    [" 1 234.5 ", 123450],
  ])("should read %s as %d minor units", (raw, minor) => {
    expect(parseBankAmount(raw, "USD")).toBe(minor);
  });

  it("should read a decimal comma with dot thousands", () => {
    expect(parseBankAmount("-1.234,56", "EUR", ",")).toBe(-123456);
    expect(parseBankAmount("12,5", "EUR", ",")).toBe(1250);
  });

  it("should follow the currency's exponent and refuse what is not an amount", () => {
    expect(parseBankAmount("1,200", "JPY")).toBe(1200);
    expect(parseBankAmount("1.005", "USD")).toMatch(/more than 2 decimal places/);
    expect(parseBankAmount("12,34.5", "USD")).toMatch(/is not an amount/);
    expect(parseBankAmount("1.2.3", "USD")).toMatch(/more than one decimal separator/);
    expect(parseBankAmount("abc", "USD")).toMatch(/is not an amount/);
    expect(parseBankAmount("1e3", "USD")).toMatch(/is not an amount/);
    expect(parseBankAmount("", "USD")).toBe("is empty");
  });
});
