import { describe, expect, it } from "vitest";
import {
  convertMinor,
  currencyExponent,
  formatMoney,
  isCurrency,
  MoneyError,
  moneyText,
  parseMoney,
} from "../../src/money/money.js";

describe("parseMoney", () => {
  it.each([
    ["12.34", "USD", 1234],
    ["12.3", "USD", 1230],
    ["12", "USD", 1200],
    ["0.01", "USD", 1],
    ["-0.01", "USD", -1],
    ["12.300000", "USD", 1230],
    ["1500", "JPY", 1500],
    ["1.234", "KWD", 1234],
    ["999999999999999", "JPY", 999999999999999],
    ["-0", "USD", 0],
    [" 7.5 ", "EUR", 750],
  ])("should parse %s %s into %i minor units", (input, cur, minor) => {
    expect(parseMoney(input, cur)).toEqual({ amount_minor: minor, currency: cur });
  });

  it.each([
    ["12.345", "USD", "more than 2 decimal places"],
    ["1.5", "JPY", "more than 0 decimal places"],
    ["1e3", "USD", "is not a decimal amount"],
    ["1,000.00", "USD", "is not a decimal amount"],
    ["", "USD", "is not a decimal amount"],
    ["abc", "USD", "is not a decimal amount"],
    ["0x10", "USD", "is not a decimal amount"],
    [".5", "USD", "is not a decimal amount"],
    ["9999999999999999", "USD", "is not a decimal amount"],
    ["99999999999999.99", "USD", "too large"],
  ])("should reject %s %s", (input, cur, reason) => {
    expect(() => parseMoney(input, cur)).toThrowError(new RegExp(reason));
  });

  it("should reject unknown or malformed currencies", () => {
    expect(() => parseMoney("1.00", "XYZ")).toThrowError(MoneyError);
    expect(() => parseMoney("1.00", "usd")).toThrowError("Unknown currency 'usd'");
    expect(isCurrency("USD")).toBe(true);
    expect(isCurrency("ZZZ")).toBe(false);
  });

  it("should refuse a number passed where a string is required", () => {
    expect(() => parseMoney(12.34 as unknown as string, "USD")).toThrowError(MoneyError);
  });
});

describe("formatMoney", () => {
  it("should round-trip through parseMoney", () => {
    for (const [s, c] of [
      ["0.05", "USD"],
      ["-12.30", "EUR"],
      ["1500", "JPY"],
      ["1.234", "BHD"],
      ["0.00", "USD"],
    ] as const) {
      expect(formatMoney(parseMoney(s, c))).toBe(s);
    }
  });

  it("should use ISO exponents that differ from 2", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(currencyExponent("BHD")).toBe(3);
    expect(currencyExponent("USD")).toBe(2);
  });
});

describe("convertMinor", () => {
  it("should convert with integer arithmetic and round half away from zero", () => {
    expect(convertMinor(1000, "EUR", "USD", "1.0825")).toBe(1083); // 10.825 → 10.83
    expect(convertMinor(-1000, "EUR", "USD", "1.0825")).toBe(-1083);
    expect(convertMinor(100, "USD", "JPY", "150.5")).toBe(151); // 1.00 USD → 150.5 → 151 JPY
    expect(convertMinor(1500, "JPY", "USD", "0.0066")).toBe(990); // 1500 JPY → 9.90 USD
    expect(convertMinor(1, "USD", "KWD", "0.307")).toBe(3); // 0.01 USD → 0.00307 KWD → 0.003
  });

  it("should reject a malformed rate", () => {
    expect(() => convertMinor(1, "USD", "EUR", "-1")).toThrowError(MoneyError);
    expect(() => convertMinor(1, "USD", "EUR", "1e2")).toThrowError(MoneyError);
  });
});

describe("moneyText", () => {
  it.each([
    [5300000, "USD", "53,000.00 USD"],
    [-123456789, "USD", "-1,234,567.89 USD"],
    [5, "USD", "0.05 USD"],
    [1500000, "JPY", "1,500,000 JPY"],
    [999, "EUR", "9.99 EUR"],
  ])("should write %i %s as %s", (amount_minor, currency, text) => {
    expect(moneyText({ amount_minor, currency })).toBe(text);
  });
});
