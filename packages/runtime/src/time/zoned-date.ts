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
  return Math.round(epochDay(b) - epochDay(a));
}

/** ISO date `n` days after `date`. @public */
export function addDays(date: string, n: number): string {
  const day = epochDay(date) + n;
  // Whole days within years 0000–9999 are formatted by hand; the rest (fractions, far years,
  // NaN, which throws) keep `toISOString`'s answer.
  if (Number.isInteger(day) && day >= MIN_EPOCH_DAY && day <= MAX_EPOCH_DAY) return civilDate(day);
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
// 0000-01-01 and 9999-12-31, as days since 1970-01-01.
const MIN_EPOCH_DAY = -719_528;
const MAX_EPOCH_DAY = 2_932_896;

/**
 * Days since 1970-01-01 of `YYYY-MM-DD`, as `Date.parse` of its midnight UTC would give them
 * (month 1–12, day 1–31 overflowing into the next month, NaN for anything else). Plain dates are
 * read digit by digit: `Date.parse` plus the string it needs cost about 4,000 instructions a call,
 * and list endpoints compare dates for every row.
 */
function epochDay(s: string): number {
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const y = digits(s, 0, 4);
    const m = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31) return daysFromCivil(y, m, d);
  }
  return Date.parse(`${s}T00:00:00Z`) / DAY_MS;
}

/** The number in `s[at, at + len)`, or -1 when a character there is not a digit. */
function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// Howard Hinnant's `days_from_civil` / `civil_from_days` (proleptic Gregorian, 400-year eras).
function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}
