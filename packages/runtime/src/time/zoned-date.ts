/**
 * Calendar dates in a time zone: "today" is always the configured zone's today.
 * @module
 */

/** Whether `tz` is an IANA time zone this runtime can use. @public */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Building an Intl.DateTimeFormat costs ~200 µs and formatting ~5 µs, a large part of a GET by id.
// One formatter per zone is reused, and its last answer is kept for the rest of that UTC minute:
// every zone in use today is offset from UTC by whole minutes, so its date cannot change mid-minute.
interface DayFormat {
  readonly fmt: Intl.DateTimeFormat;
  minute: number;
  day: string;
}
const dayFormats = new Map<string, DayFormat>();

/**
 * The ISO date (`YYYY-MM-DD`) of `instant` in `timeZone`.
 * @example todayIn("America/Chicago", new Date("2026-01-01T03:00:00Z")) // "2025-12-31"
 * @public
 */
export function todayIn(timeZone: string, instant: Date = new Date()): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    const fmt = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    f = { fmt, minute: Number.NaN, day: "" };
    dayFormats.set(timeZone, f);
  }
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute === f.minute) return f.day;
  const parts = f.fmt.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = `${get("year")}-${get("month")}-${get("day")}`;
  // Invalid dates give NaN minutes, never equal to a cached one: they are always formatted (and throw).
  f.minute = minute;
  f.day = day;
  return day;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date in `YYYY-MM-DD` form (rejects 2026-02-30). @public */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Days from ISO date `a` to ISO date `b` (negative when b is earlier). @public */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** ISO date `n` days after `date`. @public */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
