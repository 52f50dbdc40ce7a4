import { randomUUID } from "node:crypto";
import {
  ConflictError,
  InvalidValueError,
  NotFoundError,
  ProblemError,
  type Stored,
  touchGeneration,
} from "@valhalla/runtime";
import {
  byDue,
  contribution,
  estimateKeys,
  foldEstimate,
  type Item,
  storeAggregates,
  storedMonth,
  type Totals,
} from "./estimate-index.js";
import type { BillsEstimate } from "./refs.js";
import type { Bill, EstimateAggregate, EstimateState } from "./schemas.js";
import type { BillsContext } from "./storage.js";

// A month's estimate is read from the store's estimate index (estimate-index.ts: stream sums plus
// the bills of the first due dates), which every bill write keeps up to date, then kept in process
// memory and brought forward by each write's before/after difference. Writes made by another
// replica bump the shared estimate generation without a difference this process can apply; the
// month is then read again from the index. Writes and reads of one store are serialized
// in-process, so a difference is never applied to a month that already saw it.
//
// The index is a set of sums over several records, so a write that changes it holds the store-wide
// estimate lock and marks the index dirty until its sums are in; an index found dirty with the lock
// free belongs to a write that died half way, and is rebuilt from every bill.

/** Items a month holds at most. */
const STORE = 10_000;
/** Items read at least when a month is read: later writes can remove some without a re-read. */
const READ_AT_LEAST = 200;
/** Months kept per store. */
const MAX_MONTHS = 24;
const GEN_ID = "gen";
const STATE_ID = "agg";
/** Version of the aggregates' layout; another version is rebuilt. */
const INDEX_VERSION = 1;
const LOCK = "estimate-index";
const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 120_000;

interface MonthEntry {
  gen: number;
  by_currency: Record<string, Totals>;
  items_total: number;
  /** The first items by due date, then bill id: all of them, or as many as were read. */
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

/** Apply one bill's change to a month, keeping `items` an exact prefix of the month's items. */
function applyChange(e: MonthEntry, month: string, before: Stored<Bill> | null, after: Stored<Bill> | null) {
  const id = (after ?? before)!.id;
  const old = before ? contribution(before, month) : [];
  const next = after ? contribution(after, month) : [];
  if (old.length === 0 && next.length === 0) return;
  const truncated = e.items_total > e.items.length;
  const last = e.items[e.items.length - 1];
  addTo(e, old, -1);
  addTo(e, next, 1);
  const items = e.items.filter((i) => i.bill_id !== id);
  // Past the kept tail there may be items not held here, so only what sorts before it is kept.
  for (const { item } of next) if (!truncated || (last && byDue(item, last) <= 0)) items.push(item);
  e.items = items.sort(byDue).slice(0, STORE);
}

/** Rebuild the estimate index from every bill: its keys on each bill, then every aggregate. */
export async function rebuildEstimateIndex(ctx: BillsContext): Promise<void> {
  const sums = new Map<string, EstimateAggregate>();
  for await (const b of ctx.storage.bills.iterate({ order: "asc" })) {
    const keys = estimateKeys(b);
    let cur: Bill = b;
    if ((b.est_day ?? null) !== keys.est_day || (b.est_day2 ?? null) !== keys.est_day2)
      cur = await ctx.storage.bills.update(b.id, (c) => ({ ...c, ...estimateKeys(c) }));
    foldEstimate(sums, cur, 1);
  }
  for await (const a of ctx.storage.estagg.iterate({ order: "asc" })) {
    const want = sums.get(a.id);
    if (want && want.count !== 0) {
      await ctx.storage.estagg.update(a.id, want);
      sums.delete(a.id);
    } else await ctx.storage.estagg.delete(a.id);
  }
  for (const [id, a] of sums) if (a.count !== 0) await ctx.storage.estagg.create(a, { id });
  const state = { version: INDEX_VERSION, dirty: false };
  if (await ctx.storage.eststate.get(STATE_ID)) await ctx.storage.eststate.update(STATE_ID, state);
  else await ctx.storage.eststate.create(state, { id: STATE_ID });
}

const usable = (s: EstimateState | null) => s !== null && !s.dirty && s.version === INDEX_VERSION;

/** Wait out a write in progress elsewhere, and rebuild an index a dead write left half done. */
async function ensureIndex(ctx: BillsContext): Promise<void> {
  if (usable(await ctx.storage.eststate.get(STATE_ID))) return;
  await ctx.locks.withLock(
    LOCK,
    LOCK_TTL_MS,
    async () => {
      if (!usable(await ctx.storage.eststate.get(STATE_ID))) await rebuildEstimateIndex(ctx);
    },
    { waitMs: LOCK_WAIT_MS },
  );
}

async function build(ctx: BillsContext, month: string, gen: number, want: number): Promise<MonthEntry> {
  await ensureIndex(ctx);
  return { gen, ...(await storedMonth(ctx, month, want)) };
}

const covers = (e: MonthEntry | undefined, gen: number, limit: number): e is MonthEntry =>
  e !== undefined && e.gen === gen && e.items.length >= Math.min(limit, e.items_total);

/**
 * A month's estimate with its first `limit` items, read from the estimate index on first use in
 * this process and kept up to date by `estimatedWrite`.
 */
export async function readEstimate(
  ctx: BillsContext,
  month: string,
  limit: number,
): Promise<BillsEstimate & { items_total: number }> {
  const { epoch, gen } = await generationOf(ctx);
  const space = spaceOf(epoch);
  let e = space.months.get(month);
  if (!covers(e, gen, limit)) {
    e = await serialized(space, async () => {
      const cur = await generationOf(ctx);
      const have = space.months.get(month);
      if (covers(have, cur.gen, limit)) return have;
      const built = await build(ctx, month, cur.gen, Math.max(limit, READ_AT_LEAST));
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
 * Run a bill write that can change an estimate (create, patch, skip) under the estimate lock,
 * move its difference into the stored estimate index, then bump the estimate generation and bring
 * this process's months forward by the same difference.
 */
export async function estimatedWrite(
  ctx: BillsContext,
  write: () => Promise<{ before: Stored<Bill> | null; after: Stored<Bill> }>,
): Promise<Stored<Bill>> {
  const { epoch } = await generationOf(ctx);
  const space = spaceOf(epoch);
  return serialized(space, async () => {
    const g0 = (await generationOf(ctx)).gen;
    let change: { before: Stored<Bill> | null; after: Stored<Bill> } | undefined;
    let failure: unknown;
    await ctx.locks.withLock(
      LOCK,
      LOCK_TTL_MS,
      async () => {
        // An index not built (or left dirty) is rebuilt by the next read; nothing to keep up here.
        const indexed = usable(await ctx.storage.eststate.get(STATE_ID));
        if (indexed) await ctx.storage.eststate.update(STATE_ID, { dirty: true });
        try {
          change = await write();
        } catch (err) {
          failure = err;
        }
        if (!indexed || (!change && !unwritten(failure))) return;
        if (change) {
          const delta = new Map<string, EstimateAggregate>();
          if (change.before) foldEstimate(delta, change.before, -1);
          foldEstimate(delta, change.after, 1);
          // A failure here leaves the index dirty: the next read rebuilds it.
          await storeAggregates(ctx.storage.estagg, delta);
        }
        await ctx.storage.eststate.update(STATE_ID, { dirty: false });
      },
      { waitMs: LOCK_WAIT_MS },
    );
    await touchGeneration(ctx.storage.estmeta);
    const g1 = (await generationOf(ctx)).gen;
    for (const [month, e] of space.months) {
      // Another replica wrote in between, or the write may have partly landed: read again.
      const ours = e.gen === g0 && g1 === g0 + 1 && (change !== undefined || unwritten(failure));
      if (!ours) space.months.delete(month);
      else {
        if (change) applyChange(e, month, change.before, change.after);
        e.gen = g1;
      }
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
): Promise<BillsEstimate> {
  const e: MonthEntry = { gen: 0, by_currency: {}, items_total: 0, items: [] };
  for (const id of new Set(billIds)) {
    const b = await ctx.storage.bills.get(id);
    if (!b) continue;
    const parts = contribution(b, month);
    addTo(e, parts, 1);
    e.items.push(...parts.map((p) => p.item));
  }
  return { month, by_currency: e.by_currency, items: e.items.sort(byDue), items_total: e.items_total };
}
