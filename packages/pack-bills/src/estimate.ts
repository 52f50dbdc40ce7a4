import { randomUUID } from "node:crypto";
import {
  ConflictError,
  InvalidValueError,
  NotFoundError,
  ProblemError,
  type Stored,
  touchGeneration,
} from "@valhalla/runtime";
import { daysInMonth, occurrencesBetween } from "./due-dates.js";
import type { BillsEstimate } from "./refs.js";
import type { Bill } from "./schemas.js";
import type { BillsContext } from "./storage.js";

// A month's estimate is built once per process by reading every active bill, then kept exact by
// applying each write's before/after difference, so a write never forces a rescan. Writes made
// by another replica bump the shared estimate generation without a difference this process can
// apply; the month is then rebuilt. Writes and rebuilds of one store are serialized in-process,
// so a difference is never applied to a build that already saw it.

/** Items kept per month: enough to serve the largest `limit` (5000) after many removals. */
const KEEP = 5000;
const STORE = 2 * KEEP;
/** Months kept per store. */
const MAX_MONTHS = 24;
const GEN_ID = "gen";

type Item = BillsEstimate["items"][number];
type Totals = { expected_minor: number; min_minor: number; max_minor: number; count: number };

interface MonthEntry {
  gen: number;
  by_currency: Record<string, Totals>;
  items_total: number;
  /** The first `STORE` items by due date, then bill id. */
  items: Item[];
}

interface Space {
  months: Map<string, MonthEntry>;
  queue: Promise<unknown>;
}
const spaces = new Map<string, Space>();

async function generationOf(ctx: BillsContext): Promise<{ epoch: string; gen: number }> {
  const rec = await ctx.storage.estmeta.get(GEN_ID);
  if (rec) return rec;
  try {
    return await ctx.storage.estmeta.create({ epoch: randomUUID(), gen: 0 }, { id: GEN_ID });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return ctx.storage.estmeta.require(GEN_ID);
  }
}

function spaceOf(epoch: string): Space {
  let s = spaces.get(epoch);
  if (!s) spaces.set(epoch, (s = { months: new Map(), queue: Promise.resolve() }));
  return s;
}

/** Run `fn` after every earlier write or build of this store in this process. */
function serialized<T>(space: Space, fn: () => Promise<T>): Promise<T> {
  const run = space.queue.then(fn, fn);
  space.queue = run.catch(() => undefined);
  return run;
}

const monthBounds = (month: string) => {
  const days = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  return [`${month}-01`, `${month}-${String(days).padStart(2, "0")}`] as const;
};

/** What one bill adds to a month: its occurrences (skipped ones left out) while it is active. */
function contribution(b: Stored<Bill>, month: string, expected: (b: Bill) => number) {
  if (b.status !== "active") return [];
  const [from, to] = monthBounds(month);
  const exp = expected(b);
  return occurrencesBetween(b, from, to, { skipped: b.skipped }).map((o) => ({
    item: { bill_id: b.id, name: b.name, due_date: o.due, expected_minor: exp, currency: b.currency },
    min: b.amount_minor ?? b.min_minor ?? exp,
    max: b.amount_minor ?? b.max_minor ?? exp,
  }));
}

const byDue = (p: Item, q: Item) =>
  p.due_date < q.due_date
    ? -1
    : p.due_date > q.due_date
      ? 1
      : p.bill_id < q.bill_id
        ? -1
        : p.bill_id > q.bill_id
          ? 1
          : 0;

function addTo(e: MonthEntry, parts: ReturnType<typeof contribution>, sign: 1 | -1) {
  for (const { item, min, max } of parts) {
    const t = (e.by_currency[item.currency] ??= { expected_minor: 0, min_minor: 0, max_minor: 0, count: 0 });
    t.expected_minor += sign * item.expected_minor;
    t.min_minor += sign * min;
    t.max_minor += sign * max;
    t.count += sign;
    if (t.count === 0) delete e.by_currency[item.currency];
  }
  e.items_total += sign * parts.length;
}

/** Apply one bill's change to a month; false when the kept items no longer cover `KEEP`. */
function applyChange(
  e: MonthEntry,
  month: string,
  before: Stored<Bill> | null,
  after: Stored<Bill> | null,
  expected: (b: Bill) => number,
): boolean {
  const id = (after ?? before)!.id;
  const old = before ? contribution(before, month, expected) : [];
  const next = after ? contribution(after, month, expected) : [];
  if (old.length === 0 && next.length === 0) return true;
  const truncated = e.items_total > e.items.length;
  const last = e.items[e.items.length - 1];
  addTo(e, old, -1);
  addTo(e, next, 1);
  const items = e.items.filter((i) => i.bill_id !== id);
  // Past the kept tail there may be items not held here, so only what sorts before it is kept.
  for (const { item } of next) if (!truncated || !last || byDue(item, last) <= 0) items.push(item);
  e.items = items.sort(byDue).slice(0, STORE);
  return e.items.length >= Math.min(e.items_total, KEEP);
}

async function build(
  ctx: BillsContext,
  month: string,
  gen: number,
  expected: (b: Bill) => number,
): Promise<MonthEntry> {
  const e: MonthEntry = { gen, by_currency: {}, items_total: 0, items: [] };
  const items: Item[] = [];
  for await (const b of ctx.storage.bills.iterate({ where: { status: "active" }, order: "asc" })) {
    const parts = contribution(b, month, expected);
    addTo(e, parts, 1);
    for (const p of parts) items.push(p.item);
  }
  e.items = items.sort(byDue).slice(0, STORE);
  return e;
}

/**
 * A month's estimate with its first `limit` items, built on first use in this process and kept
 * up to date by `estimatedWrite`.
 */
export async function readEstimate(
  ctx: BillsContext,
  month: string,
  limit: number,
  expected: (b: Bill) => number,
): Promise<BillsEstimate & { items_total: number }> {
  const { epoch, gen } = await generationOf(ctx);
  const space = spaceOf(epoch);
  let e = space.months.get(month);
  if (!e || e.gen !== gen) {
    e = await serialized(space, async () => {
      const cur = await generationOf(ctx);
      const have = space.months.get(month);
      if (have && have.gen === cur.gen) return have;
      const built = await build(ctx, month, cur.gen, expected);
      space.months.delete(month);
      space.months.set(month, built);
      for (const k of space.months.keys()) if (space.months.size > MAX_MONTHS) space.months.delete(k);
      return built;
    });
  }
  const by_currency = Object.fromEntries(Object.entries(e.by_currency).map(([c, t]) => [c, { ...t }]));
  return { month, by_currency, items: e.items.slice(0, limit), items_total: e.items_total };
}

// Errors raised before anything is committed: the write changed nothing.
const unwritten = (err: unknown) =>
  err instanceof ProblemError ||
  err instanceof ConflictError ||
  err instanceof NotFoundError ||
  err instanceof InvalidValueError;

/**
 * Run a bill write that can change an estimate (create, patch, skip), then bump the estimate
 * generation and bring this process's months forward by the write's difference.
 */
export async function estimatedWrite(
  ctx: BillsContext,
  write: () => Promise<{ before: Stored<Bill> | null; after: Stored<Bill> }>,
  expected: (b: Bill) => number,
): Promise<Stored<Bill>> {
  const { epoch } = await generationOf(ctx);
  const space = spaceOf(epoch);
  return serialized(space, async () => {
    const g0 = (await generationOf(ctx)).gen;
    let change: { before: Stored<Bill> | null; after: Stored<Bill> } | undefined;
    let failure: unknown;
    try {
      change = await write();
    } catch (err) {
      failure = err;
    }
    await touchGeneration(ctx.storage.estmeta);
    const g1 = (await generationOf(ctx)).gen;
    for (const [month, e] of space.months) {
      // Another replica wrote in between, or the write may have partly landed: rebuild on read.
      const ours = e.gen === g0 && g1 === g0 + 1 && (change !== undefined || unwritten(failure));
      if (ours && (!change || applyChange(e, month, change.before, change.after, expected))) e.gen = g1;
      else space.months.delete(month);
    }
    if (!change) throw failure;
    return change.after;
  });
}

/**
 * The estimate of a month over the named bills only, read directly (no cache): for the few bills
 * another pack already plans for elsewhere, such as those a budget bucket covers.
 */
export async function estimateOfBills(
  ctx: BillsContext,
  month: string,
  billIds: readonly string[],
  expected: (b: Bill) => number,
): Promise<BillsEstimate> {
  const e: MonthEntry = { gen: 0, by_currency: {}, items_total: 0, items: [] };
  for (const id of new Set(billIds)) {
    const b = await ctx.storage.bills.get(id);
    if (!b) continue;
    const parts = contribution(b, month, expected);
    addTo(e, parts, 1);
    e.items.push(...parts.map((p) => p.item));
  }
  return { month, by_currency: e.by_currency, items: e.items.sort(byDue), items_total: e.items_total };
}
