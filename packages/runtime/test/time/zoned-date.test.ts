import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../../src/index.js";

// The behaviour they had when both went through `Date.parse` of the date's midnight UTC.
const parsed = (s: string) => Date.parse(`${s}T00:00:00Z`);
const refBetween = (a: string, b: string) => Math.round((parsed(b) - parsed(a)) / 86_400_000);
const refAdd = (s: string, n: number) => new Date(parsed(s) + n * 86_400_000).toISOString().slice(0, 10);

const pad = (n: number, w: number) => String(n).padStart(w, "0");
/** `YYYY-MM-DD` with years 0000–9999, months 1–12 and days 1–`maxDay` (31 takes month overflow in). */
const isoDate = (maxDay: number) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: maxDay }),
    )
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

describe("daysBetween and addDays", () => {
  it("agree with Date.parse on 20,000 random dates across years 0000–9999, month ends included", () => {
    fc.assert(
      fc.property(isoDate(31), isoDate(28), fc.integer({ min: -1_000_000, max: 1_000_000 }), (a, b, n) => {
        expect(daysBetween(a, b), `${a} → ${b}`).toBe(refBetween(a, b));
        const day = parsed(a) + n * 86_400_000;
        if (day >= parsed("0000-01-01") && day <= parsed("9999-12-31"))
          expect(addDays(a, n), `${a} + ${n}`).toBe(refAdd(a, n));
      }),
      { numRuns: 20_000, seed: 16 },
    );
  });

  it("count leap days and month overflow as Date.parse does", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2100-02-28", "2100-03-01")).toBe(1);
    expect(daysBetween("2000-02-28", "2000-03-01")).toBe(2);
    expect(daysBetween("1969-12-31", "1970-01-01")).toBe(1);
    expect(daysBetween("2026-03-01", "2026-02-30")).toBe(1); // Feb 30 is Mar 2, as Date.parse reads it
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("0000-03-01", -1)).toBe("0000-02-29");
  });

  it("keep Date.parse's answer for what is not a plain date", () => {
    for (const bad of [
      "2026-13-01",
      "2026-00-10",
      "2026-01-32",
      "2026-01-00",
      "2026-1-01",
      "20260101",
      "",
      "+02026-01-01",
    ])
      expect(daysBetween("2026-01-01", bad), bad).toBeNaN();
    expect(() => addDays("2026-13-01", 1)).toThrow(RangeError);
    expect(addDays("2026-01-01", 0.5)).toBe(refAdd("2026-01-01", 0.5));
    expect(addDays("9999-12-31", 1)).toBe(refAdd("9999-12-31", 1));
    expect(addDays("0000-01-01", -1)).toBe(refAdd("0000-01-01", -1));
  });
});
