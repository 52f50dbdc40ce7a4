import { addDays, daysBetween } from "@valhalla/runtime";

/** How often a bill falls due. */
export const CADENCES = [
  "weekly",
  "every_n_weeks",
  "twice_monthly",
  "monthly",
  "every_n_months",
  "yearly",
  "every_n_days",
] as const;
export type Cadence = (typeof CADENCES)[number];

/** What to do when a due date lands on a Saturday or Sunday. */
export const WEEKEND_ADJUSTMENTS = ["none", "previous_business_day", "next_business_day"] as const;
export type WeekendAdjustment = (typeof WEEKEND_ADJUSTMENTS)[number];

/** A day of the month: 1–31 (clamped to short months) or the month's last day. */
export type DayOfMonth = number | "last";

/** The parts of a bill that decide its due dates. */
export interface Schedule {
  readonly cadence: Cadence;
  /** N for the `every_n_*` cadences; 1 otherwise. */
  readonly interval: number;
  /** First nominal due date; every occurrence is computed from it (never from the previous one). */
  readonly anchor_date: string;
  /** Day for month-based cadences; `null` means the anchor's day. */
  readonly day_of_month: DayOfMonth | null;
  /** Second day for `twice_monthly`. */
  readonly second_day_of_month: DayOfMonth | null;
  readonly weekend_adjustment: WeekendAdjustment;
}

/** One due date: `nominal` by the cadence, `due` after weekend adjustment. */
export interface Occurrence {
  readonly nominal: string;
  readonly due: string;
}

// Weekend adjustment moves a date by at most two days, so windows are widened by this much.
const MAX_SHIFT = 2;

const parts = (iso: string) => ({
  y: Number(iso.slice(0, 4)),
  m: Number(iso.slice(5, 7)),
  d: Number(iso.slice(8, 10)),
});

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Day of week of an ISO date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

/** Move a Saturday/Sunday date to the previous Friday or next Monday. */
export function adjustForWeekend(date: string, mode: WeekendAdjustment): string {
  if (mode === "none") return date;
  const wd = weekdayOf(date);
  if (wd !== 0 && wd !== 6) return date;
  if (mode === "previous_business_day") return addDays(date, wd === 6 ? -1 : -2);
  return addDays(date, wd === 6 ? 2 : 1);
}

/** The concrete day `day` resolves to in a month (31 → 30 in April, "last" → 28/29 in February). */
export function resolveDay(y: number, m: number, day: DayOfMonth): number {
  const dim = daysInMonth(y, m);
  return day === "last" ? dim : Math.min(day, dim);
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** Days between occurrences for day-based cadences, or null for month-based ones. */
function dayStep(s: Schedule): number | null {
  switch (s.cadence) {
    case "weekly":
      return 7;
    case "every_n_weeks":
      return 7 * s.interval;
    case "every_n_days":
      return s.interval;
    default:
      return null;
  }
}

/** Months between occurrences for month-based cadences. @internal */
export function monthStep(s: Schedule): number {
  if (s.cadence === "every_n_months") return s.interval;
  if (s.cadence === "yearly") return 12 * s.interval;
  return 1;
}

/** Days of the month a month-based cadence falls on. @internal */
export function monthDays(s: Schedule): DayOfMonth[] {
  const first = s.day_of_month ?? parts(s.anchor_date).d;
  if (s.cadence === "twice_monthly") return [first, s.second_day_of_month ?? "last"];
  return [first];
}

/** Nominal dates in [from, to] (inclusive), in order, never before the anchor. */
function nominalBetween(s: Schedule, from: string, to: string): string[] {
  const out: string[] = [];
  const start = from < s.anchor_date ? s.anchor_date : from;
  if (start > to) return out;
  const step = dayStep(s);
  if (step !== null) {
    // Jump straight to the first index at or after `start`: computed from the anchor, not chained.
    let k = Math.max(0, Math.ceil(daysBetween(s.anchor_date, start) / step));
    for (let d = addDays(s.anchor_date, k * step); d <= to; d = addDays(s.anchor_date, ++k * step))
      out.push(d);
    return out;
  }
  const a = parts(s.anchor_date);
  const anchorIdx = a.y * 12 + (a.m - 1);
  const st = parts(start);
  const n = monthStep(s);
  let k = Math.max(0, Math.floor((st.y * 12 + (st.m - 1) - anchorIdx) / n));
  const days = monthDays(s);
  for (;;) {
    const idx = anchorIdx + k * n;
    const y = Math.floor(idx / 12);
    const m = (idx % 12) + 1;
    if (iso(y, m, 1) > to) break;
    const resolved = [...new Set(days.map((d) => resolveDay(y, m, d)))].sort((p, q) => p - q);
    for (const d of resolved) {
      const date = iso(y, m, d);
      if (date >= start && date <= to) out.push(date);
    }
    k++;
  }
  return out;
}

/**
 * Occurrences whose adjusted due date falls in [from, to] (inclusive), ordered by due date.
 * Each date is computed from the anchor, so a Jan 31 monthly bill is due Feb 28/29 and then Mar 31.
 *
 * @param options.skipped - nominal dates to leave out (skipped occurrences)
 * @example occurrencesBetween({ cadence: "monthly", interval: 1, anchor_date: "2026-01-31",
 *   day_of_month: null, second_day_of_month: null, weekend_adjustment: "none" }, "2026-02-01", "2026-03-31")
 * // [{ nominal: "2026-02-28", due: "2026-02-28" }, { nominal: "2026-03-31", due: "2026-03-31" }]
 */
export function occurrencesBetween(
  s: Schedule,
  from: string,
  to: string,
  options: { skipped?: ReadonlySet<string> | readonly string[] } = {},
): Occurrence[] {
  if (from > to) return [];
  const skipped = new Set(options.skipped ?? []);
  const out: Occurrence[] = [];
  for (const nominal of nominalBetween(s, addDays(from, -MAX_SHIFT), addDays(to, MAX_SHIFT))) {
    if (skipped.has(nominal)) continue;
    const due = adjustForWeekend(nominal, s.weekend_adjustment);
    if (due >= from && due <= to) out.push({ nominal, due });
  }
  return out.sort((p, q) => (p.due === q.due ? (p.nominal < q.nominal ? -1 : 1) : p.due < q.due ? -1 : 1));
}

/** Whether `date` is a nominal due date of the schedule. */
export function isNominalDate(s: Schedule, date: string): boolean {
  return nominalBetween(s, date, date).length === 1;
}

/** Plain-words description of a cadence ("every 2 weeks", "monthly on the last day"). */
export function describeCadence(s: Schedule): string {
  const dayWord = (d: DayOfMonth) => (d === "last" ? "the last day" : `day ${d}`);
  const [first, second] = monthDays(s);
  switch (s.cadence) {
    case "weekly":
      return "weekly";
    case "every_n_weeks":
      return `every ${s.interval} weeks`;
    case "every_n_days":
      return `every ${s.interval} days`;
    case "twice_monthly":
      return `twice monthly on ${dayWord(first!)} and ${dayWord(second!)}`;
    case "monthly":
      return `monthly on ${dayWord(first!)}`;
    case "every_n_months":
      return `every ${s.interval} months on ${dayWord(first!)}`;
    case "yearly":
      return `${s.interval > 1 ? `every ${s.interval} years` : "yearly"} on ${s.anchor_date.slice(5, 7)}/${
        first === "last" ? "last" : first
      }`;
  }
}
