import { daysBetween, NotFoundError, type Stored, type WriteOptions } from "@valhalla/runtime";
import type { Asset, SumGroup, SummarySums } from "./schemas.js";
import type { HoldingsContext } from "./storage.js";

// The summary is read from sums every holding write keeps up to date, so its cost does not grow
// with the number of holdings (#16: the first summary after a write read every holding, 1.2–1.4 s
// at 100k on Redis and Postgres).
//
// - `sums/sums` holds, per group of each dimension and in total, the count of active holdings and
//   their value and liabilities per currency, with how many holdings hold each currency (so a
//   currency stays, and its missing rate is still reported, while any holding holds it even at a
//   zero sum). It also counts active holdings by valuation date (`valued`).
// - Each active holding carries its valuation date as the `valued_on` index (`never` when it has
//   no valuation; null when archived), so the stalest holdings are read date by date, oldest first,
//   and how many are stale is a sum over `valued`.
//
// A write moves its own before/after difference into the sums with a conditional update, in place of
// the generation bump the summary cache used to cost: differences add up in any order, so
// concurrent writers only retry. A process killed between a holding write and its difference leaves
// the sums off by that write; the daily `summary-check` job recounts every holding and repairs them.

/** Layout version of the stored sums; a store with another version (or none) is rebuilt. */
export const SUMS_VERSION = 1;
/** Id of the one sums record. */
export const SUMS_ID = "sums";
/** `valued_on` of an active holding that has never been valued. */
export const NEVER_VALUED = "never";
const LOCK = "summary-index";
const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 120_000;

/** Dimensions a summary groups by. */
export type Dimension = "type" | "jurisdiction" | "entity" | "currency";
export const DIMENSIONS: readonly Dimension[] = ["type", "jurisdiction", "entity", "currency"];

/** The `valued_on` index value of a holding: its valuation date while active, else null. */
export function valuedOn(a: Pick<Asset, "active" | "valuation">): string | null {
  return a.active ? (a.valuation?.as_of ?? NEVER_VALUED) : null;
}

/** A holding with its `valued_on` index value set from its other fields. */
export const keyed = <T extends Asset>(a: T): T =>
  a.valued_on === valuedOn(a) ? a : Object.assign({}, a, { valued_on: valuedOn(a) });

/** The group key of a holding in each dimension. */
export const groupKeys = (a: Asset): Record<Dimension, string> => ({
  type: a.type,
  jurisdiction: a.jurisdiction ?? "unspecified",
  entity: a.entity_id ?? a.entity_name ?? "unspecified",
  currency: a.valuation?.currency ?? a.currency,
});

/** Sums of no holdings. */
export function emptySums(): SummarySums {
  return {
    version: SUMS_VERSION,
    totals: emptyGroup(),
    by: { type: {}, jurisdiction: {}, entity: {}, currency: {} },
    valued: {},
    checked_at: null,
  };
}

const emptyGroup = (): SumGroup => ({ count: 0, value: {}, liabilities: {} });

const copyGroup = (g: SumGroup): SumGroup => ({
  count: g.count,
  value: Object.assign({}, g.value),
  liabilities: Object.assign({}, g.liabilities),
});
const copyGroups = (gs: Record<string, SumGroup>) => {
  const out: Record<string, SumGroup> = {};
  for (const k in gs) out[k] = copyGroup(gs[k]!);
  return out;
};

/**
 * A copy of sums that {@link foldSummary} can change without touching the original. Made for this
 * shape: `structuredClone` of an 8 KB sums record cost 265 µs, more than the rest of a create.
 * @public
 */
export function cloneSums(s: SummarySums): SummarySums {
  return {
    version: s.version,
    totals: copyGroup(s.totals),
    by: {
      type: copyGroups(s.by.type),
      jurisdiction: copyGroups(s.by.jurisdiction),
      entity: copyGroups(s.by.entity),
      currency: copyGroups(s.by.currency),
    },
    valued: Object.assign({}, s.valued),
    checked_at: s.checked_at,
  };
}

// Replaces the currency's entry rather than changing it, so a copy by `cloneSums` shares entries safely.
function addAmount(into: SumGroup["value"], currency: string, minor: number, sign: 1 | -1) {
  const cur = into[currency] ?? { minor: 0, n: 0 };
  const next = { minor: cur.minor + sign * minor, n: cur.n + sign };
  if (next.n === 0) delete into[currency];
  else into[currency] = next;
}

function addToGroup(g: SumGroup, a: Asset, sign: 1 | -1) {
  g.count += sign;
  if (a.valuation) addAmount(g.value, a.valuation.currency, a.valuation.amount_minor, sign);
  for (const cur in a.liabilities) addAmount(g.liabilities, cur, a.liabilities[cur]!, sign);
}

/**
 * Add (`sign` 1) or take away (-1) one holding's part of the sums, in place. Archived holdings
 * have none. Seeds that write holdings outside the pack fold them with this and store the result
 * under {@link SUMS_ID} in the pack's `sums` namespace.
 * @public
 */
export function foldSummary(sums: SummarySums, a: Asset, sign: 1 | -1): SummarySums {
  if (!a.active) return sums;
  addToGroup(sums.totals, a, sign);
  const keys = groupKeys(a);
  for (const dim of DIMENSIONS) {
    const groups = sums.by[dim];
    const g = (groups[keys[dim]] ??= emptyGroup());
    addToGroup(g, a, sign);
    if (g.count === 0) delete groups[keys[dim]];
  }
  const day = valuedOn(a)!;
  const n = (sums.valued[day] ?? 0) + sign;
  if (n === 0) delete sums.valued[day];
  else sums.valued[day] = n;
  return sums;
}

/** Whether two holdings' parts of the sums are the same (a label or notes change has none). */
function samePart(p: Asset | null, q: Asset): boolean {
  if (!p) return !q.active;
  if (p.active !== q.active) return false;
  if (!q.active) return true;
  const kp = groupKeys(p);
  const kq = groupKeys(q);
  return (
    DIMENSIONS.every((d) => kp[d] === kq[d]) &&
    valuedOn(p) === valuedOn(q) &&
    JSON.stringify(p.valuation && [p.valuation.currency, p.valuation.amount_minor]) ===
      JSON.stringify(q.valuation && [q.valuation.currency, q.valuation.amount_minor]) &&
    JSON.stringify(p.liabilities) === JSON.stringify(q.liabilities)
  );
}

interface Change {
  readonly ctx: HoldingsContext;
  readonly before: Asset | null;
  readonly after: Asset;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}
interface Queue {
  waiting: Change[];
  busy: boolean;
}
// Keyed by the context's `locks`, which the registry makes once per pack and store: writers of one
// store in this process share a queue, and writers of another store never join it.
const queues = new WeakMap<object, Queue>();

/**
 * Move one holding write's difference into the stored sums, resolving once it is stored. Writes of
 * this process that finish while an update is on its way are folded into the next one together:
 * one conditional update per batch instead of one per write, so concurrent writers of one process
 * never conflict over the sums record (those of other replicas retry).
 */
function applyChange(ctx: HoldingsContext, before: Asset | null, after: Asset): Promise<void> {
  if (samePart(before, after)) return Promise.resolve();
  let q = queues.get(ctx.locks);
  if (!q) queues.set(ctx.locks, (q = { waiting: [], busy: false }));
  const queue = q;
  return new Promise<void>((resolve, reject) => {
    queue.waiting.push({ ctx, before, after, resolve, reject });
    if (!queue.busy) void drain(queue);
  });
}

async function drain(q: Queue): Promise<void> {
  q.busy = true;
  while (q.waiting.length > 0) {
    const batch = q.waiting.splice(0);
    try {
      // The batch's first writer's context: its request is still waiting on this update.
      await foldStored(batch[0]!.ctx, batch);
      for (const c of batch) c.resolve();
    } catch (err) {
      for (const c of batch) c.reject(err);
    }
  }
  q.busy = false;
}

async function foldStored(ctx: HoldingsContext, batch: readonly Change[]): Promise<void> {
  try {
    await ctx.storage.sums.update(SUMS_ID, (cur) => {
      const next = cloneSums(cur);
      for (const c of batch) {
        if (c.before) foldSummary(next, c.before, -1);
        foldSummary(next, c.after, 1);
      }
      return next;
    });
  } catch (err) {
    // No sums yet: the next read builds them from every holding, these included.
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** Create a holding and add it to the summary sums. */
export async function createAsset(
  ctx: HoldingsContext,
  data: Asset,
  options?: WriteOptions,
): Promise<Stored<Asset>> {
  const created = await ctx.storage.assets.create(keyed(data), options);
  await applyChange(ctx, null, created);
  return created;
}

/** Change a holding (a patch or a function of the current one) and move its difference into the sums. */
export async function updateAsset(
  ctx: HoldingsContext,
  id: string,
  change: Partial<Asset> | ((current: Stored<Asset>) => Asset),
  options?: WriteOptions,
): Promise<Stored<Asset>> {
  let before: Stored<Asset> | null = null;
  // The function runs once per attempt; the last attempt is the one that committed.
  const updated = await ctx.storage.assets.update(
    id,
    (cur) => {
      before = cur;
      const next = typeof change === "function" ? change(cur) : Object.assign({}, cur, change);
      return keyed(next);
    },
    options,
  );
  await applyChange(ctx, before, updated);
  return updated;
}

/** Sums of every holding, counted now; holdings whose `valued_on` is out of date are mended. */
async function countAll(ctx: HoldingsContext): Promise<SummarySums> {
  const sums = emptySums();
  for await (const a of ctx.storage.assets.iterate({ order: "asc" })) {
    let cur: Asset = a;
    if ((a.valued_on ?? null) !== valuedOn(a)) cur = await ctx.storage.assets.update(a.id, keyed);
    foldSummary(sums, cur, 1);
  }
  return sums;
}

const usable = (s: SummarySums | null) => s !== null && s.version === SUMS_VERSION;

/** Build the sums from every holding and store them (under the pack's summary lock). */
export async function rebuildSummaryIndex(ctx: HoldingsContext): Promise<SummarySums> {
  return ctx.locks.withLock(
    LOCK,
    LOCK_TTL_MS,
    async () => {
      const found = await ctx.storage.sums.get(SUMS_ID);
      if (found && usable(found)) return found;
      const sums = Object.assign(await countAll(ctx), { checked_at: ctx.now().toISOString() });
      if (found) return ctx.storage.sums.update(SUMS_ID, sums, { ifRev: found.rev });
      return ctx.storage.sums.create(sums, { id: SUMS_ID });
    },
    { waitMs: LOCK_WAIT_MS },
  );
}

/** The stored sums, built first when the store has none (a new store, or an import without them). */
export async function readSums(ctx: HoldingsContext): Promise<SummarySums> {
  const found = await ctx.storage.sums.get(SUMS_ID);
  return found && usable(found) ? found : rebuildSummaryIndex(ctx);
}

/** What a check found: whether the sums matched every holding, and whether they were repaired. */
export interface SummaryCheck {
  readonly matched: boolean;
  readonly repaired: boolean;
  readonly holdings: number;
}

const comparable = (s: SummarySums) =>
  JSON.stringify({ totals: s.totals, by: s.by, valued: s.valued }, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : val,
  );

/**
 * Recount every holding and compare with the stored sums; repair them when they differ and no
 * write moved them while counting (a write that did will be recounted by the next check). What a
 * killed writer left out of the sums is put back here.
 */
export async function checkSummaryIndex(ctx: HoldingsContext): Promise<SummaryCheck> {
  const before = await ctx.storage.sums.get(SUMS_ID);
  if (!before || !usable(before)) {
    const built = await rebuildSummaryIndex(ctx);
    return { matched: false, repaired: true, holdings: built.totals.count };
  }
  const counted = await countAll(ctx);
  const matched = comparable(counted) === comparable(before);
  const next = Object.assign(matched ? before : counted, { checked_at: ctx.now().toISOString() });
  try {
    await ctx.storage.sums.update(SUMS_ID, next, { ifRev: before.rev });
  } catch {
    return { matched, repaired: false, holdings: counted.totals.count };
  }
  return { matched, repaired: !matched, holdings: counted.totals.count };
}

/** One stale holding as the summary names it. */
export type StaleHolding = { id: string; label: string; as_of: string | null; age_days: number | null };

/**
 * The `limit` stalest active holdings (never valued first, then the oldest valuation, then by id)
 * and how many are stale, as of `today`: read date by date through the `valued_on` index.
 */
export async function staleHoldings(
  ctx: HoldingsContext,
  sums: SummarySums,
  today: string,
  staleAfterDays: number,
  limit: number,
): Promise<{ stale: StaleHolding[]; total: number }> {
  const days = Object.keys(sums.valued)
    .filter((d) => d === NEVER_VALUED || daysBetween(d, today) > staleAfterDays)
    .sort((p, q) => (p === NEVER_VALUED ? -1 : q === NEVER_VALUED ? 1 : p < q ? -1 : p > q ? 1 : 0));
  let total = 0;
  for (const d of days) total += sums.valued[d]!;
  const stale: StaleHolding[] = [];
  for (const d of days) {
    if (stale.length >= limit) break;
    let cursor: string | undefined;
    do {
      const page = await ctx.storage.assets.list({
        where: { valued_on: d },
        order: "asc",
        cursor,
        limit: Math.min(100, limit - stale.length),
      });
      for (const a of page.items)
        stale.push({
          id: a.id,
          label: a.label,
          as_of: a.valuation?.as_of ?? null,
          age_days: a.valuation ? daysBetween(a.valuation.as_of, today) : null,
        });
      cursor = page.next_cursor ?? undefined;
    } while (cursor && stale.length < limit);
  }
  return { stale, total };
}
