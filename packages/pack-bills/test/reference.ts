import { addDays, daysBetween } from "@valhalla/runtime";
import fc from "fast-check";
import { type Bill, occurrencesBetween } from "../src/index.js";

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
type Rec = Bill & { id: string };

// The summaries as the pack computed them before the due-date index: every bill, and every
// bill's payments from the ledger. Tests compare the pack's answers with these.

/**
 * Every bill and the occurrences its payments settle, read over HTTP (the ledger, not the bill's
 * copy): an occurrence is paid once its payments reach the amount due (a fixed bill's amount, a
 * variable bill's minimum under the default config).
 */
export async function snapshot(call: Call) {
  const bills: Rec[] = [];
  let cursor: string | null = null;
  do {
    const page = await call("GET", `/bills?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    if (page.status !== 200) throw new Error(JSON.stringify(page.body));
    bills.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  bills.sort((p, q) => (p.id < q.id ? -1 : 1));
  const paid = new Map<string, Set<string>>();
  for (const b of bills) {
    const list = await call("GET", `/bills/${b.id}/payments?limit=200`);
    const sums = new Map<string, number>();
    for (const p of list.body.items as { occurrence: string; amount_minor: number }[])
      sums.set(p.occurrence, (sums.get(p.occurrence) ?? 0) + p.amount_minor);
    const due = b.amount_minor ?? b.min_minor ?? 0;
    paid.set(b.id, new Set([...sums].filter(([, sum]) => sum >= due).map(([n]) => n)));
  }
  return { bills, paid };
}

type Snap = Awaited<ReturnType<typeof snapshot>>;

const expected = (b: Bill) =>
  b.amount_minor ??
  (b.min_minor !== null && b.max_minor !== null
    ? Math.round((b.min_minor + b.max_minor) / 2)
    : (b.max_minor ?? b.min_minor ?? 0));

const open = (s: Snap, b: Rec, from: string, to: string) =>
  occurrencesBetween(b, from, to, { skipped: b.skipped }).filter((o) => !s.paid.get(b.id)!.has(o.nominal));

const active = (s: Snap) => s.bills.filter((b) => b.status === "active");

/** `GET /bills/upcoming` by a full scan. */
export function refUpcoming(s: Snap, today: string, days: number, limit: number) {
  const out = active(s).flatMap((b) =>
    open(s, b, today, addDays(today, days)).map((o) => ({
      bill_id: b.id,
      name: b.name,
      nominal_date: o.nominal,
      due_date: o.due,
      days_until: daysBetween(today, o.due),
      expected_minor: expected(b),
    })),
  );
  out.sort((p, q) =>
    p.due_date === q.due_date ? p.name.localeCompare(q.name) : p.due_date < q.due_date ? -1 : 1,
  );
  return { items: out.slice(0, limit), has_more: out.length > limit };
}

/** `GET /bills/missed` by a full scan. */
export function refMissed(s: Snap, today: string, lookback: number, defaultGrace = 3) {
  const out = active(s).flatMap((b) => {
    const grace = b.grace_days ?? defaultGrace;
    const from = [b.tracked_from, addDays(today, -lookback)].sort()[1]!;
    return open(s, b, from, addDays(today, -grace - 1)).map((o) => ({
      bill_id: b.id,
      nominal_date: o.nominal,
      due_date: o.due,
      days_overdue: daysBetween(o.due, today),
    }));
  });
  return out.sort((p, q) => (p.due_date < q.due_date ? -1 : p.due_date > q.due_date ? 1 : 0));
}

/** `GET /bills/overdue` by a full scan: tracked open occurrences past due, within grace. */
export function refOverdue(s: Snap, today: string, defaultGrace = 3) {
  const out = active(s).flatMap((b) => {
    const grace = b.grace_days ?? defaultGrace;
    const from = [b.tracked_from, addDays(today, -grace)].sort()[1]!;
    return open(s, b, from, addDays(today, -1)).map((o) => ({
      bill_id: b.id,
      name: b.name,
      nominal_date: o.nominal,
      due_date: o.due,
      days_overdue: daysBetween(o.due, today),
    }));
  });
  return out.sort(
    (p, q) =>
      (p.due_date < q.due_date ? -1 : p.due_date > q.due_date ? 1 : 0) ||
      p.name.localeCompare(q.name) ||
      (p.bill_id < q.bill_id ? -1 : 1),
  );
}

/** `GET /bills/estimate` by a full scan. */
export function refEstimate(s: Snap, month: string, limit: number) {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const to = `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
  const by_currency: Record<
    string,
    { expected_minor: number; min_minor: number; max_minor: number; count: number }
  > = {};
  const items: {
    bill_id: string;
    name: string;
    due_date: string;
    expected_minor: number;
    currency: string;
  }[] = [];
  for (const b of active(s))
    for (const o of occurrencesBetween(b, `${month}-01`, to, { skipped: b.skipped })) {
      const t = (by_currency[b.currency] ??= { expected_minor: 0, min_minor: 0, max_minor: 0, count: 0 });
      const exp = expected(b);
      t.expected_minor += exp;
      t.min_minor += b.amount_minor ?? b.min_minor ?? exp;
      t.max_minor += b.amount_minor ?? b.max_minor ?? exp;
      t.count++;
      items.push({ bill_id: b.id, name: b.name, due_date: o.due, expected_minor: exp, currency: b.currency });
    }
  items.sort((p, q) => (p.due_date < q.due_date ? -1 : p.due_date > q.due_date ? 1 : 0));
  return { month, by_currency, items: items.slice(0, limit), items_total: items.length };
}

const dom = fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constant("last" as const));
const adjust = fc.constantFrom("none", "previous_business_day", "next_business_day");

/** A valid schedule part of a create (or patch) body, anchored within `span` days of `today`. */
export const scheduleArb = (today: string, span = 60) =>
  fc
    .record({
      offset: fc.integer({ min: -span, max: span }),
      adjust,
      dom,
      kind: fc.integer({ min: 0, max: 6 }),
      n: fc.integer({ min: 2, max: 5 }),
    })
    .map(({ offset, adjust: weekend_adjustment, dom: day, kind, n }) => {
      const anchor_date = addDays(today, offset);
      const base = { anchor_date, weekend_adjustment };
      switch (kind) {
        case 0:
          return { ...base, cadence: "weekly", day_of_month: null, second_day_of_month: null };
        case 1:
          return {
            ...base,
            cadence: "every_n_weeks",
            interval: n,
            day_of_month: null,
            second_day_of_month: null,
          };
        case 2:
          return {
            ...base,
            cadence: "every_n_days",
            interval: n * 4,
            day_of_month: null,
            second_day_of_month: null,
          };
        case 3:
          return { ...base, cadence: "monthly", day_of_month: day, second_day_of_month: null };
        case 4:
          return {
            ...base,
            cadence: "every_n_months",
            interval: n,
            day_of_month: day,
            second_day_of_month: null,
          };
        case 5:
          return {
            ...base,
            cadence: "twice_monthly",
            day_of_month: 1 + (n % 27),
            second_day_of_month: day === 1 + (n % 27) ? "last" : day,
          };
        default:
          return { ...base, cadence: "yearly", day_of_month: null, second_day_of_month: null };
      }
    });
