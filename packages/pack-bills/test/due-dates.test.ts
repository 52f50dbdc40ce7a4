import { addDays, daysBetween } from "@valhalla/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adjustForWeekend,
  type DayOfMonth,
  daysInMonth,
  occurrencesBetween,
  type Schedule,
  weekdayOf,
} from "../src/index.js";

const isoOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const dateArb = fc
  .integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2060, 11, 31) })
  .map((t) => isoOf(t - (t % 86_400_000)));
// Anchors biased to month ends and Feb 29, where chaining goes wrong.
const edgeAnchor = fc
  .record({
    y: fc.integer({ min: 2000, max: 2050 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 28, max: 31 }),
  })
  .map(
    ({ y, m, d }) =>
      `${y}-${String(m).padStart(2, "0")}-${String(Math.min(d, daysInMonth(y, m))).padStart(2, "0")}`,
  );
const anchorArb = fc.oneof(dateArb, edgeAnchor, fc.constantFrom("2024-02-29", "2000-02-29", "2023-01-31"));
const dayArb: fc.Arbitrary<DayOfMonth> = fc.oneof(
  fc.integer({ min: 1, max: 31 }),
  fc.constant("last" as const),
);
const adjustArb = fc.constantFrom("none", "previous_business_day", "next_business_day") as fc.Arbitrary<
  Schedule["weekend_adjustment"]
>;

const scheduleArb: fc.Arbitrary<Schedule> = fc.oneof(
  fc.record({
    cadence: fc.constantFrom("weekly", "every_n_weeks", "every_n_days") as fc.Arbitrary<Schedule["cadence"]>,
    interval: fc.integer({ min: 1, max: 40 }),
    anchor_date: anchorArb,
    day_of_month: fc.constant(null),
    second_day_of_month: fc.constant(null),
    weekend_adjustment: adjustArb,
  }),
  fc.record({
    cadence: fc.constantFrom("monthly", "every_n_months", "yearly") as fc.Arbitrary<Schedule["cadence"]>,
    interval: fc.integer({ min: 1, max: 14 }),
    anchor_date: anchorArb,
    day_of_month: fc.option(dayArb, { nil: null }),
    second_day_of_month: fc.constant(null),
    weekend_adjustment: adjustArb,
  }),
  fc.record({
    cadence: fc.constant("twice_monthly" as const),
    interval: fc.constant(1),
    anchor_date: anchorArb,
    day_of_month: fc.option(fc.integer({ min: 1, max: 15 }), { nil: null }),
    second_day_of_month: fc.oneof(fc.integer({ min: 16, max: 31 }), fc.constant("last" as const)),
    weekend_adjustment: adjustArb,
  }),
);

const ym = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const resolve = (iso: string, d: DayOfMonth) => {
  const dim = daysInMonth(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)));
  return d === "last" ? dim : Math.min(d, dim);
};

/** Independent oracle: is `date` a nominal occurrence? Checked day by day, never enumerated. */
function isNominal(s: Schedule, date: string): boolean {
  if (date < s.anchor_date) return false;
  const anchorDay = Number(s.anchor_date.slice(8, 10));
  const day = Number(date.slice(8, 10));
  const months = ym(date) - ym(s.anchor_date);
  switch (s.cadence) {
    case "weekly":
      return daysBetween(s.anchor_date, date) % 7 === 0;
    case "every_n_weeks":
      return daysBetween(s.anchor_date, date) % (7 * s.interval) === 0;
    case "every_n_days":
      return daysBetween(s.anchor_date, date) % s.interval === 0;
    case "monthly":
      return day === resolve(date, s.day_of_month ?? anchorDay);
    case "every_n_months":
      return months % s.interval === 0 && day === resolve(date, s.day_of_month ?? anchorDay);
    case "yearly":
      return months % (12 * s.interval) === 0 && day === resolve(date, s.day_of_month ?? anchorDay);
    case "twice_monthly":
      return (
        day === resolve(date, s.day_of_month ?? anchorDay) || day === resolve(date, s.second_day_of_month!)
      );
  }
}

describe("occurrencesBetween", () => {
  it("should return exactly the dates the cadence rule allows, each adjusted off the weekend", () => {
    fc.assert(
      fc.property(scheduleArb, dateArb, fc.integer({ min: 0, max: 120 }), (s, from, span) => {
        const to = addDays(from, span);
        const got = occurrencesBetween(s, from, to);
        // Oracle: walk every day that could adjust into the window.
        const expected: { nominal: string; due: string }[] = [];
        for (let d = addDays(from, -2); d <= addDays(to, 2); d = addDays(d, 1)) {
          if (!isNominal(s, d)) continue;
          const due = adjustForWeekend(d, s.weekend_adjustment);
          if (due >= from && due <= to) expected.push({ nominal: d, due });
        }
        expect(new Set(got.map((o) => o.nominal))).toEqual(new Set(expected.map((o) => o.nominal)));
        for (const o of got) {
          expect(o.due).toBe(adjustForWeekend(o.nominal, s.weekend_adjustment));
          if (s.weekend_adjustment !== "none") expect([0, 6]).not.toContain(weekdayOf(o.due));
          const shift = daysBetween(o.nominal, o.due);
          if (s.weekend_adjustment === "previous_business_day") expect(shift).toBeGreaterThanOrEqual(-2);
          if (s.weekend_adjustment === "previous_business_day") expect(shift).toBeLessThanOrEqual(0);
          if (s.weekend_adjustment === "next_business_day") expect(shift).toBeGreaterThanOrEqual(0);
          if (s.weekend_adjustment === "next_business_day") expect(shift).toBeLessThanOrEqual(2);
        }
        const dues = got.map((o) => o.due);
        expect(dues).toEqual([...dues].sort());
      }),
      { numRuns: 400 },
    );
  });

  it("should compute from the anchor, not chain: a day-31 monthly bill is due on each month's last day", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2050 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const s: Schedule = {
          cadence: "monthly",
          interval: 1,
          anchor_date: "1999-01-31",
          day_of_month: null,
          second_day_of_month: null,
          weekend_adjustment: "none",
        };
        const first = `${y}-${String(m).padStart(2, "0")}-01`;
        const last = `${y}-${String(m).padStart(2, "0")}-${daysInMonth(y, m)}`;
        expect(occurrencesBetween(s, first, last).map((o) => o.nominal)).toEqual([last]);
      }),
    );
    const jan31: Schedule = {
      cadence: "monthly",
      interval: 1,
      anchor_date: "2024-01-31",
      day_of_month: null,
      second_day_of_month: null,
      weekend_adjustment: "none",
    };
    expect(occurrencesBetween(jan31, "2024-01-01", "2024-04-30").map((o) => o.nominal)).toEqual([
      "2024-01-31",
      "2024-02-29",
      "2024-03-31",
      "2024-04-30",
    ]);
  });

  it("should keep a Feb 29 yearly bill on Feb 29 in leap years and Feb 28 otherwise", () => {
    const s: Schedule = {
      cadence: "yearly",
      interval: 1,
      anchor_date: "2024-02-29",
      day_of_month: null,
      second_day_of_month: null,
      weekend_adjustment: "none",
    };
    fc.assert(
      fc.property(fc.integer({ min: 2024, max: 2200 }), (y) => {
        const got = occurrencesBetween(s, `${y}-01-01`, `${y}-12-31`).map((o) => o.nominal);
        const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
        expect(got).toEqual([leap ? `${y}-02-29` : `${y}-02-28`]);
      }),
    );
  });

  it("should move weekend dates across month ends and keep the nominal date", () => {
    // 2025-05-31 is a Saturday; 2025-08-31 a Sunday; 2026-02-01 a Sunday.
    const base = { interval: 1, day_of_month: "last" as const, second_day_of_month: null };
    const next = occurrencesBetween(
      { ...base, cadence: "monthly", anchor_date: "2025-05-31", weekend_adjustment: "next_business_day" },
      "2025-05-01",
      "2025-09-30",
    );
    expect(next[0]).toEqual({ nominal: "2025-05-31", due: "2025-06-02" });
    expect(next.find((o) => o.nominal === "2025-08-31")?.due).toBe("2025-09-01");
    const prev = occurrencesBetween(
      {
        cadence: "monthly",
        interval: 1,
        anchor_date: "2026-01-01",
        day_of_month: 1,
        second_day_of_month: null,
        weekend_adjustment: "previous_business_day",
      },
      "2026-01-01",
      "2026-02-28",
    );
    expect(prev.map((o) => [o.nominal, o.due])).toContainEqual(["2026-02-01", "2026-01-30"]);
  });

  it("should leave out skipped occurrences and nothing else", () => {
    fc.assert(
      fc.property(scheduleArb, dateArb, fc.integer({ min: 0, max: 90 }), fc.nat(), (s, from, span, pick) => {
        const to = addDays(from, span);
        const all = occurrencesBetween(s, from, to);
        if (all.length === 0) return;
        const skip = all[pick % all.length]!.nominal;
        const rest = occurrencesBetween(s, from, to, { skipped: [skip] });
        expect(rest).toEqual(all.filter((o) => o.nominal !== skip));
      }),
      { numRuns: 300 },
    );
  });

  it("should give the same occurrences for a window as for its two halves", () => {
    fc.assert(
      fc.property(scheduleArb, dateArb, fc.integer({ min: 1, max: 200 }), fc.nat(), (s, from, span, cut) => {
        const to = addDays(from, span);
        const mid = addDays(from, cut % span);
        const whole = occurrencesBetween(s, from, to);
        const halves = [...occurrencesBetween(s, from, mid), ...occurrencesBetween(s, addDays(mid, 1), to)];
        expect(halves).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
