import { randomUUID } from "node:crypto";
import * as v from "valibot";
import { ConflictError } from "../errors/storage-errors.js";
import { merge } from "../internal/merge.js";
import type { Collection } from "./collection.js";

/**
 * A per-process cache of derived summaries, invalidated by a write generation kept in storage.
 *
 * The generation record lives in a pack's own namespace, so every replica sees every other
 * replica's writes. It carries a random epoch, so two stores served by one process never share an
 * entry. Cached values are always recomputed from the records on a miss: nothing here is ever the
 * only source of a figure.
 * @module
 */

/** Schema of the generation record: declare a collection with it (`collection({ prefix, schema: GenerationRecord })`). @public */
export const GenerationRecord = v.object({
  epoch: v.string(),
  gen: v.pipe(v.number(), v.safeInteger()),
});

/** The collection holding a pack's generation record. @public */
export type GenerationStore = Collection<v.InferOutput<typeof GenerationRecord>, string>;

const GEN_ID = "gen";
/** Safety net: an entry is recomputed after this long even without a write. */
const MAX_AGE_MS = 5 * 60_000;
/** Upper bound on the cached rows (items) across one namespace's entries, to bound memory. */
const MAX_WEIGHT = 250_000;

interface Entry {
  readonly value: unknown;
  readonly weight: number;
  readonly at: number;
}
interface Space {
  readonly entries: Map<string, Entry>;
  weight: number;
}
// One space per generation namespace, so each pack keeps its own memory bound.
const spaces = new Map<string, Space>();

function spaceOf(store: GenerationStore): Space {
  let s = spaces.get(store.namespace);
  if (!s) spaces.set(store.namespace, (s = { entries: new Map(), weight: 0 }));
  return s;
}

function drop(space: Space, key: string) {
  const e = space.entries.get(key);
  if (!e) return;
  space.entries.delete(key);
  space.weight -= e.weight;
}

/**
 * Mark everything cached under `store` stale. Call AFTER the write commits (and even when it
 * failed, in case part of it landed): a reader that computed in between labels its result with
 * the old generation, so it is never taken for the new one.
 * @public
 */
export async function touchGeneration(store: GenerationStore): Promise<void> {
  if (await store.get(GEN_ID)) {
    await store.update(GEN_ID, (cur) => merge(cur, { gen: cur.gen + 1 }));
    return;
  }
  try {
    await store.create({ epoch: randomUUID(), gen: 1 }, { id: GEN_ID });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await store.update(GEN_ID, (cur) => merge(cur, { gen: cur.gen + 1 }));
  }
}

/** Run a write, then bump the generation (also when the write throws). @public */
export async function afterWrite<T>(store: GenerationStore, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    await touchGeneration(store);
  }
}

async function generation(store: GenerationStore): Promise<string> {
  let rec = await store.get(GEN_ID);
  if (!rec) {
    try {
      rec = await store.create({ epoch: randomUUID(), gen: 0 }, { id: GEN_ID });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      rec = await store.require(GEN_ID);
    }
  }
  return `${rec.epoch}:${rec.gen}`;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object" && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const val of Object.values(x)) deepFreeze(val);
  }
  return x;
}

/**
 * The cached value for `key` at the current write generation of `store`, or `compute()` stored
 * under it. The value is frozen: callers share it. `weight` is its size in rows, for the memory
 * bound; `now` is the caller's clock (entries also expire after 5 minutes).
 * @public
 */
export async function cachedByGeneration<T>(
  store: GenerationStore,
  now: Date,
  key: string,
  weight: (value: T) => number,
  compute: () => Promise<T>,
): Promise<T> {
  const space = spaceOf(store);
  const full = `${await generation(store)}:${key}`;
  const at = now.getTime();
  const hit = space.entries.get(full);
  if (hit && at - hit.at < MAX_AGE_MS && at >= hit.at) {
    // Re-insert to keep the map in least-recently-used order.
    space.entries.delete(full);
    space.entries.set(full, hit);
    return hit.value as T;
  }
  drop(space, full);
  const value = deepFreeze(await compute());
  const w = Math.max(1, weight(value));
  if (w > MAX_WEIGHT) return value;
  space.entries.set(full, { value, weight: w, at });
  space.weight += w;
  for (const k of space.entries.keys()) {
    if (space.weight <= MAX_WEIGHT) break;
    drop(space, k);
  }
  return value;
}
