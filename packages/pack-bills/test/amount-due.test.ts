import { describe, expect, it } from "vitest";
import { formatAmount } from "../src/index.js";

describe("formatAmount", () => {
  it("should group thousands and keep the currency's minor digits", () => {
    const cases: [number, string, string][] = [
      [150000, "USD", "1,500.00 USD"],
      [99, "USD", "0.99 USD"],
      [0, "USD", "0.00 USD"],
      [-150000, "USD", "-1,500.00 USD"],
      [123456789012, "USD", "1,234,567,890.12 USD"],
      [123456789, "JPY", "123,456,789 JPY"],
      [1234567, "KWD", "1,234.567 KWD"],
      [100000, "EUR", "1,000.00 EUR"],
    ];
    for (const [minor, currency, text] of cases) expect(formatAmount(minor, currency)).toBe(text);
  });
});
