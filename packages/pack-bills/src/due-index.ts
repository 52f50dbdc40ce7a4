import { addDays, ConflictError, type Stored } from "@valhalla/runtime";
import { type Occurrence, occurrencesBetween } from "./due-dates.js";
import type { Bill } from "./schemas.js";
import type { BillsContext } from "./storage.js";

// Each active bill carries `next_open_due`, the due date of its first open occurrence on or after
// the day it was computed (F <= today). So no bill has an open occurrence in [F, next_open_due),
// and a window [today, to] only needs the bills whose key lies in [rolled_through - SLACK, to].
// Keys fall behind as days pass; once a day the keys before today are rolled forward, so reads
// never look back further than the slack.

/** Days before `rolled_through` still read: a replica whose clock lags the roll may write them. */
const SLACK_DAYS = 1;
// The next open occurrence is searched chunk by chunk, so a bill paid far ahead still finds one.
const CHUNK_DAYS = 400;
const MAX_CHUNKS = 100;
const ROLL_ID = "roll";

/** Open (unpaid, unskipped) occurrences of a bill due in [from, to], from the bill record alone. */
export function openBetween(b: Bill, from: string, to: string): Occurrence[] {
  const paid = new Set(b.paid);
  return occurrencesBetween(b, from, to, { skipped: b.skipped }).filter((o) => !paid.has(o.nominal));
}

/** Due date of the bill's first open occurrence due on or after `from`, or null when there is none. */
export function nextOpenDue(b: Bill, from: string): string | null {
  for (let k = 0; k < MAX_CHUNKS; k++) {
    const start = addDays(from, k * CHUNK_DAYS);
    const [first] = openBetween(b, start, addDays(start, CHUNK_DAYS - 1));
    if (first) return first.due;
  }
  return null;
}

/**
 * The bill as the pack stores it on `today`: with `next_open_due` recomputed (null unless active).
 * Every bill write goes through this; records written outside the pack must too.
 *
 * @example withDueIndex({ ...bill, status: "active", paid: [] }, "2026-01-15").next_open_due // "2026-01-31"
 */
export function withDueIndex<B extends Bill>(b: B, today: string): B {
  return { ...b, next_open_due: b.status === "active" ? nextOpenDue(b, today) : null };
}

async function rollBill(ctx: BillsContext, b: Stored<Bill>, today: string) {
  if (b.next_open_due === withDueIndex(b, today).next_open_due) return;
  // Recomputed from the record being replaced, so a payment or patch racing the roll is kept.
  await ctx.storage.bills.update(b.id, (cur) => withDueIndex(cur, today));
}

/**
 * Make sure no active bill's key is older than `today - SLACK_DAYS`: roll the keys of the days
 * since the last roll forward (once per day and store, under a lock), or index every bill when
 * the store was never indexed. Returns the day the index is rolled through.
 */
export async function ensureRolled(ctx: BillsContext, today: string): Promise<string> {
  const seen = await ctx.storage.state.get(ROLL_ID);
  if (seen && seen.rolled_through >= today) return seen.rolled_through;
  return ctx.locks.withLock(
    "index-roll",
    60_000,
    async () => {
      const cur = await ctx.storage.state.get(ROLL_ID);
      if (cur && cur.rolled_through >= today) return cur.rolled_through;
      if (!cur) await reindexAll(ctx, today);
      else
        for (let d = addDays(cur.rolled_through, -SLACK_DAYS); d < today; d = addDays(d, 1))
          for await (const b of ctx.storage.bills.iterate({ where: { next_open_due: d }, order: "asc" }))
            await rollBill(ctx, b, today);
      await markRolled(ctx, today);
      return today;
    },
    { waitMs: 120_000 },
  );
}

/** Recompute `next_open_due` of every bill (first indexing of a store, and migrations). */
export async function reindexAll(ctx: BillsContext, today: string): Promise<void> {
  for await (const b of ctx.storage.bills.iterate({ order: "asc" })) await rollBill(ctx, b, today);
}

/** Record that every key is computed on or after `today`. */
export async function markRolled(ctx: BillsContext, today: string): Promise<void> {
  if (await ctx.storage.state.get(ROLL_ID))
    await ctx.storage.state.update(ROLL_ID, (cur) =>
      cur.rolled_through >= today ? cur : { rolled_through: today },
    );
  else
    await ctx.storage.state.create({ rolled_through: today }, { id: ROLL_ID }).catch((err: unknown) => {
      if (!(err instanceof ConflictError)) throw err;
    });
}

/** One open occurrence found in a window, with its bill. */
export interface WindowItem {
  readonly bill: Stored<Bill>;
  readonly occurrence: Occurrence;
}

/**
 * Open occurrences of active bills due in [today, to], soonest first (same day: by name, then
 * bill id), at most `limit`, and whether there are more. Reads only the bills whose key is in the
 * window, day by day, and stops as soon as `limit + 1` occurrences are known to come first; when
 * one day holds more bills than fit, the earliest-registered of that day are taken.
 */
export async function openInWindow(
  ctx: BillsContext,
  today: string,
  to: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ items: WindowItem[]; more: boolean }> {
  const rolled = await ensureRolled(ctx, today);
  const target = limit + 1;
  const found: WindowItem[] = [];
  const seen = new Set<string>();
  const take = (b: Stored<Bill>) => {
    // A bill re-keyed between two day reads is met twice; its occurrences count once.
    if (seen.has(b.id)) return;
    seen.add(b.id);
    for (const occurrence of openBetween(b, today, to)) found.push({ bill: b, occurrence });
  };
  const dueBy = (d: string, strict: boolean) =>
    found.reduce((n, i) => n + ((strict ? i.occurrence.due < d : i.occurrence.due <= d) ? 1 : 0), 0);
  const first = addDays(rolled < today ? rolled : today, -SLACK_DAYS);
  for (let d = first; d < today; d = addDays(d, 1))
    for await (const b of ctx.storage.bills.iterate({ where: { next_open_due: d }, order: "asc" })) take(b);
  days: for (let d = today; d <= to; d = addDays(d, 1)) {
    // Bills keyed later than `d` have nothing open before it, so occurrences before `d` are final.
    if (dueBy(d, true) >= target) break;
    let cursor: string | undefined;
    do {
      const need = target - dueBy(d, false);
      if (need <= 0) break days;
      const page = await ctx.storage.bills.list({
        where: { next_open_due: d },
        order: "asc",
        cursor,
        limit: Math.min(500, need),
      });
      for (const b of page.items) take(b);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }
  found.sort(
    (p, q) =>
      cmp(p.occurrence.due, q.occurrence.due) ||
      p.bill.name.localeCompare(q.bill.name) ||
      cmp(p.bill.id, q.bill.id),
  );
  return { items: found.slice(0, limit), more: found.length > limit };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
