import { addDays, ConflictError, type Stored } from "@valhalla/runtime";
import { configOf } from "./config-of.js";
import { type Occurrence, occurrencesBetween } from "./due-dates.js";
import { estimateKeys } from "./estimate-index.js";
import {
  amountDueOf,
  DEFAULT_SETTINGS,
  graceOf,
  type StatusSettings,
  settledOccurrences,
} from "./occurrence-status.js";
import type { Bill } from "./schemas.js";
import type { BillsContext } from "./storage.js";

// Each active bill carries `next_open_due`, the due date of its first open occurrence on or after
// the day it was computed (F <= today). So no bill has an open occurrence in [F, next_open_due),
// and a window [today, to] only needs the bills whose key lies in [rolled_through - SLACK, to].
// Keys fall behind as days pass; once a day the keys before today are rolled forward, so reads
// never look back further than the slack.
//
// `overdue` flags the bills that had a tracked open occurrence past due but within its grace
// period on the day they were computed. A bill with such an occurrence on `today` was either
// computed after its due date (so it is flagged) or before it (so its `next_open_due` is before
// today and the roll recomputes it, or it lies within the slack). The roll also recomputes every
// flagged bill, which clears the flag once the grace period is over.

/** Days before `rolled_through` still read: a replica whose clock lags the roll may write them. */
const SLACK_DAYS = 1;
// The next open occurrence is searched chunk by chunk, so a bill paid far ahead still finds one.
const CHUNK_DAYS = 400;
const MAX_CHUNKS = 100;
const ROLL_ID = "roll";

/** Open (not paid in full, not skipped) occurrences of a bill due in [from, to], from the record alone. */
export function openBetween(b: Bill, from: string, to: string): Occurrence[] {
  const paid = new Set(b.paid);
  return occurrencesBetween(b, from, to, { skipped: b.skipped }).filter((o) => !paid.has(o.nominal));
}

/**
 * Tracked open occurrences past due on `today` but within the bill's grace period, by due date.
 * Like `missed`, only occurrences due on or after `tracked_from` count.
 */
export function overdueOn(b: Bill, today: string, graceDays: number): Occurrence[] {
  const from = addDays(today, -graceDays);
  return openBetween(b, [b.tracked_from, from].sort()[1]!, addDays(today, -1));
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
 * The bill as the pack stores it on `today`: `paid` derived from `paid_by_occurrence` (a record
 * without it, written before 1.2, keeps its `paid` list as paid in full), `next_open_due` and
 * `overdue` recomputed (null and false unless active), and its estimate index keys `est_day` and
 * `est_day2`. Records written outside the pack also need their estimate aggregates (see
 * `foldEstimate`). Every bill write goes through this; records
 * written outside the pack must too, with the pack's config as `settings`.
 *
 * @param settings - `grace_days` and `variable_paid_at` of the pack config
 * @default settings `{ grace_days: 3, variable_paid_at: "min" }` (the config defaults)
 * @example withDueIndex({ ...bill, status: "active", paid: [] }, "2026-01-15").next_open_due // "2026-01-31"
 * @public
 */
export function withDueIndex<B extends Bill>(
  b: B,
  today: string,
  settings: StatusSettings = DEFAULT_SETTINGS,
): B {
  const paid_by_occurrence =
    b.paid_by_occurrence ?? Object.fromEntries(b.paid.map((n) => [n, amountDueOf(b, settings)]));
  const settled = { ...b, paid_by_occurrence, variable_paid_at: b.variable_paid_at ?? null };
  const next = { ...settled, paid: settledOccurrences(settled, settings) };
  const active = b.status === "active";
  return {
    ...next,
    next_open_due: active ? nextOpenDue(next, today) : null,
    overdue: active && overdueOn(next, today, graceOf(next, settings)).length > 0,
    ...estimateKeys(b),
  };
}

/** The fields `withDueIndex` derives, to tell whether a record needs rewriting. */
const derived = (b: Bill) =>
  JSON.stringify([b.paid, b.next_open_due, b.overdue ?? null, b.paid_by_occurrence ?? null]);

async function rollBill(ctx: BillsContext, b: Stored<Bill>, today: string) {
  const settings = configOf(ctx);
  if (derived(b) === derived(withDueIndex(b, today, settings))) return;
  // Recomputed from the record being replaced, so a payment or patch racing the roll is kept.
  await ctx.storage.bills.update(b.id, (cur) => withDueIndex(cur, today, settings));
}

/** Stores, configs and days this process re-keyed every bill for (see `ensureRolled`). */
const rekeyedToday = new Set<string>();

/** The settings keys and summaries are computed with: a config change re-keys every bill once. */
export const indexConfig = (s: StatusSettings): string =>
  `grace=${s.grace_days};variable_paid_at=${s.variable_paid_at}`;

/**
 * Make sure no active bill's key is older than `today - SLACK_DAYS`: roll the keys of the days
 * since the last roll forward (once per day and store, under a lock), or index every bill when
 * the store was never indexed or was indexed with another config. Returns the day the index is
 * rolled through.
 */
export async function ensureRolled(ctx: BillsContext, today: string): Promise<string> {
  const config = indexConfig(configOf(ctx));
  type State = Stored<{ rolled_through: string; index_config?: string | undefined }>;
  // A store's `roll` record is created once, so its creation time tells stores apart in-process.
  const rekeyKey = (s: State) => `${s.created_at}|${config}|${today}`;
  const sameConfig = (s: State) => s.index_config === config || rekeyedToday.has(rekeyKey(s));
  const fresh = (s: State | null) => s !== null && s.rolled_through >= today && sameConfig(s);
  const seen = await ctx.storage.state.get(ROLL_ID);
  if (seen && fresh(seen)) return seen.rolled_through;
  return ctx.locks.withLock(
    "index-roll",
    60_000,
    async () => {
      const cur = await ctx.storage.state.get(ROLL_ID);
      if (cur && fresh(cur)) return cur.rolled_through;
      // Keys computed with another grace period or paid rule may be wrong in any direction.
      if (!cur || !sameConfig(cur)) {
        await reindexAll(ctx, today);
        // Replicas left running with another config would otherwise re-key on every read, each
        // undoing the other; this way each re-keys at most once a day.
        if (cur) rekeyedToday.add(rekeyKey(cur));
      } else {
        for (let d = addDays(cur.rolled_through, -SLACK_DAYS); d < today; d = addDays(d, 1))
          for await (const b of ctx.storage.bills.iterate({ where: { next_open_due: d }, order: "asc" }))
            await rollBill(ctx, b, today);
        // A flag stays while an occurrence is overdue and clears once its grace period is over.
        for await (const b of ctx.storage.bills.iterate({ where: { overdue: true }, order: "asc" }))
          await rollBill(ctx, b, today);
      }
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

/** Record that every key is computed on or after `today`, with the current config. */
export async function markRolled(ctx: BillsContext, today: string): Promise<void> {
  const index_config = indexConfig(configOf(ctx));
  if (await ctx.storage.state.get(ROLL_ID))
    await ctx.storage.state.update(ROLL_ID, (cur) => ({
      rolled_through: cur.rolled_through >= today ? cur.rolled_through : today,
      index_config,
    }));
  else
    await ctx.storage.state
      .create({ rolled_through: today, index_config }, { id: ROLL_ID })
      .catch((err: unknown) => {
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

/**
 * Tracked open occurrences of active bills past due on `today` but within their grace period,
 * oldest first (same day: by name, then bill id). Reads only the bills flagged overdue, plus
 * those whose due-date key fell behind within the slack.
 */
export async function overdueItems(ctx: BillsContext, today: string): Promise<WindowItem[]> {
  const rolled = await ensureRolled(ctx, today);
  const settings = configOf(ctx);
  const found: WindowItem[] = [];
  const seen = new Set<string>();
  const take = (b: Stored<Bill>) => {
    if (seen.has(b.id) || b.status !== "active") return;
    seen.add(b.id);
    for (const occurrence of overdueOn(b, today, graceOf(b, settings))) found.push({ bill: b, occurrence });
  };
  for await (const b of ctx.storage.bills.iterate({ where: { overdue: true }, order: "asc" })) take(b);
  // Keyed by a replica whose clock lagged: computed before the occurrence fell due.
  const first = addDays(rolled < today ? rolled : today, -SLACK_DAYS);
  for (let d = first; d < today; d = addDays(d, 1))
    for await (const b of ctx.storage.bills.iterate({ where: { next_open_due: d }, order: "asc" })) take(b);
  return found.sort(
    (p, q) =>
      cmp(p.occurrence.due, q.occurrence.due) ||
      p.bill.name.localeCompare(q.bill.name) ||
      cmp(p.bill.id, q.bill.id),
  );
}
