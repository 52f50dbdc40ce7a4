import { isIsoDate } from "@valhalla/runtime";

/** Day orders a bank file may use. */
export type BankDateFormat = "YYYY-MM-DD" | "MM/DD/YYYY" | "DD/MM/YYYY";

/**
 * Read a bank date into `YYYY-MM-DD`. Slash formats accept `/`, `.` or `-`, one-digit days and
 * months and two-digit years (20YY); `YYYY-MM-DD` also accepts `YYYYMMDD` and a trailing time.
 * @example parseBankDate("3/1/26", "DD/MM/YYYY") // "2026-01-03"
 * @returns the ISO date, or null when the text is not a real date in that format
 */
export function parseBankDate(raw: string, format: BankDateFormat): string | null {
  const s = raw.trim();
  let y: string;
  let m: string;
  let d: string;
  if (format === "YYYY-MM-DD") {
    const r = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$/.exec(s);
    if (!r) return null;
    [, y = "", m = "", d = ""] = r;
  } else {
    const r = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s);
    if (!r) return null;
    const [, a = "", b = "", year = ""] = r;
    [m, d] = format === "MM/DD/YYYY" ? [a, b] : [b, a];
    y = year.length === 2 ? `20${year}` : year;
  }
  const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  return isIsoDate(iso) ? iso : null;
}
