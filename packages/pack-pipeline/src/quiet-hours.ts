/**
 * Quiet hours: outbound drafts may be sent only from 08:00 up to (not including) 21:00 in the
 * recipient's own time zone, which is rarely the operator's.
 */
export const SEND_WINDOW = { startHour: 8, endHour: 21 } as const;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

// Offset of the zone from UTC at an instant, in ms (local wall clock minus UTC).
function offsetAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant.getTime() - instant.getUTCMilliseconds());
}

/** The instant a local wall-clock time occurs in `timeZone` (DST gaps resolve forward). */
function zonedInstant(timeZone: string, y: number, m: number, d: number, hour: number): Date {
  const guess = Date.UTC(y, m - 1, d, hour, 0, 0);
  let instant = guess - offsetAt(new Date(guess), timeZone);
  // The offset at the guess can differ from the offset at the answer across a DST change.
  instant = guess - offsetAt(new Date(instant), timeZone);
  return new Date(instant);
}

/** Whether `instant` falls inside the send window in `timeZone`. */
export function inSendWindow(instant: Date, timeZone: string): boolean {
  const { hour } = localParts(instant, timeZone);
  return hour >= SEND_WINDOW.startHour && hour < SEND_WINDOW.endHour;
}

/** `instant` itself when inside the window, otherwise the next window opening (08:00 local). */
export function nextSendTime(instant: Date, timeZone: string): Date {
  if (inSendWindow(instant, timeZone)) return instant;
  const p = localParts(instant, timeZone);
  // Before 08:00 the window opens later the same local day; after 21:00 it opens the next day.
  const base = new Date(Date.UTC(p.year, p.month - 1, p.day + (p.hour >= SEND_WINDOW.endHour ? 1 : 0)));
  return zonedInstant(
    timeZone,
    base.getUTCFullYear(),
    base.getUTCMonth() + 1,
    base.getUTCDate(),
    SEND_WINDOW.startHour,
  );
}
