import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../../src/index.js";

// The behaviour they had when both went through `Date.parse` of the date's midnight UTC.
const parsed = (s: string) => Date.parse(`${s}T00:00:00Z`);
const refBetween = (a: string, b: string) => Math.round((parsed(b) - parsed(a)) / 86_400_000);
const refAdd = (s: string, n: number) => new Date(parsed(s) + n * 86_400_000).toISOString().slice(0, 10);

/** A deterministic stream of numbers in [0, 1) (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

describe("daysBetween and addDays", () => {
  it("agree with Date.parse on 20,000 random dates across years 0000–9999, month ends included", () => {
    const r = random(16);
    for (let i = 0; i < 20_000; i++) {
      const y = Math.floor(r() * 10_000);
      const a = `${pad(y, 4)}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 31), 2)}`;
      const b = `${pad(Math.floor(r() * 10_000), 4)}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 28), 2)}`;
      const n = Math.floor((r() - 0.5) * 2_000_000);
      expect(daysBetween(a, b), `${a} → ${b}`).toBe(refBetween(a, b));
      if (
        parsed(a) + n * 86_400_000 >= parsed("0000-01-01") &&
        parsed(a) + n * 86_400_000 <= parsed("9999-12-31")
      )
        expect(addDays(a, n), `${a} + ${n}`).toBe(refAdd(a, n));
    }
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
