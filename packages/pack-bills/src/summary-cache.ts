import { randomUUID } from "node:crypto";
import { ConflictError } from "@valhalla/runtime";
import type { BillsContext } from "./storage.js";

// Summaries (upcoming, monthly estimate) read every bill. They are cached in this process, keyed
// by the write generation kept in storage (so every replica sees every other replica's writes),
// the day and the query. The generation record carries a random epoch, so two stores served by
// one process never share an entry. Entries are derived from the bills on a miss; nothing here
// is ever the only source of a figure.

const GEN_ID = "gen";
/** Safety net: an entry is recomputed after this long even without a write. */
const MAX_AGE_MS = 5 * 60_000;
/** Upper bound on the cached rows (items) across all entries, to bound memory. */
const MAX_WEIGHT = 250_000;

interface Entry {
  readonly value: unknown;
  readonly weight: number;
  readonly at: number;
}
const entries = new Map<string, Entry>();
let totalWeight = 0;

function drop(key: string) {
  const e = entries.get(key);
  if (!e) return;
  entries.delete(key);
  totalWeight -= e.weight;
}

/**
 * Mark the bills summaries stale. Call AFTER the write commits (it runs even when the write
 * failed, in case part of it landed): a reader that computed in between labels its result with
 * the old generation, so it is never taken for the new one.
 */
export async function touchBills(ctx: BillsContext): Promise<void> {
  const meta = ctx.storage.meta;
  if (await meta.get(GEN_ID)) {
    await meta.update(GEN_ID, (cur) => ({ ...cur, gen: cur.gen + 1 }));
    return;
  }
  try {
    await meta.create({ epoch: randomUUID(), gen: 1 }, { id: GEN_ID });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await meta.update(GEN_ID, (cur) => ({ ...cur, gen: cur.gen + 1 }));
  }
}

/** Run a bills write, then bump the generation. */
export async function afterWrite<T>(ctx: BillsContext, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    await touchBills(ctx);
  }
}

async function generation(ctx: BillsContext): Promise<string> {
  const meta = ctx.storage.meta;
  let rec = await meta.get(GEN_ID);
  if (!rec) {
    try {
      rec = await meta.create({ epoch: randomUUID(), gen: 0 }, { id: GEN_ID });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      rec = await meta.require(GEN_ID);
    }
  }
  return `${rec.epoch}:${rec.gen}`;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/**
 * The cached value for `key` at the current write generation, or `compute()` stored under it.
 * The value is frozen: callers share it. `weight` is its size in rows, for the memory bound.
 */
export async function cachedSummary<T>(
  ctx: BillsContext,
  key: string,
  weight: (value: T) => number,
  compute: () => Promise<T>,
): Promise<T> {
  const full = `${await generation(ctx)}:${key}`;
  const now = ctx.now().getTime();
  const hit = entries.get(full);
  if (hit && now - hit.at < MAX_AGE_MS && now >= hit.at) {
    // Re-insert to keep the map in least-recently-used order.
    entries.delete(full);
    entries.set(full, hit);
    return hit.value as T;
  }
  drop(full);
  const value = deepFreeze(await compute());
  const w = Math.max(1, weight(value));
  if (w > MAX_WEIGHT) return value;
  entries.set(full, { value, weight: w, at: now });
  totalWeight += w;
  for (const k of entries.keys()) {
    if (totalWeight <= MAX_WEIGHT) break;
    drop(k);
  }
  return value;
}
