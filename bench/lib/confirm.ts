/**
 * A load-test ratio flagged against the baseline is measured once more before it is reported:
 * on this shared 2-core machine a single run can land in a slow minute (a quick run has one 2 s
 * run per server), and a developer checking a change to the hot path should see a regression the
 * code made, not one the neighbours made. The second measurement joins the first: each server keeps
 * its best run, as the repeats of one measurement do, so a real regression shows in both and stays.
 * @module
 */
import { OVERHEAD_OPS, type OverheadOp } from "./cases.js";

/** The measurements behind some flagged ratios: overhead ops and headers/features cases per backend. */
export interface Remeasure {
  /** The flagged keys these measurements produce, in the order given. */
  readonly keys: readonly string[];
  readonly overhead: ReadonlyMap<string, ReadonlySet<OverheadOp>>;
  readonly headers: ReadonlySet<string>;
  readonly features: ReadonlySet<string>;
}

/**
 * Which measurements produced the ratios named by `keys` (`overhead.<backend>.<op>.<name>`,
 * `headers.<backend>.…`, `features.<backend>.…`). Scale ratios are left out: they carry their own
 * noise allowance (`SCALE_NOISE`) and take minutes to seed again.
 */
export function toRemeasure(keys: readonly string[]): Remeasure {
  const overhead = new Map<string, Set<OverheadOp>>();
  const headers = new Set<string>();
  const features = new Set<string>();
  const taken: string[] = [];
  for (const key of keys) {
    const [kind, backend, op] = key.split(".");
    if (!backend) continue;
    if (kind === "overhead" && (OVERHEAD_OPS as readonly string[]).includes(op ?? "")) {
      const ops = overhead.get(backend) ?? new Set<OverheadOp>();
      ops.add(op as OverheadOp);
      overhead.set(backend, ops);
    } else if (kind === "headers") headers.add(backend);
    else if (kind === "features") features.add(backend);
    else continue;
    taken.push(key);
  }
  return { keys: taken, overhead, headers, features };
}

/** Whether there is anything to measure again. */
export function isEmpty(r: Remeasure): boolean {
  return r.keys.length === 0;
}

/**
 * `first` with each row replaced by its counterpart in `again` (same `key`) when that one served
 * more req/s; every row lists the runs of both measurements, in order. Rows only in `again` are
 * added.
 */
export function keepBest<T extends { readonly rps: number; readonly runs: number[] }>(
  first: readonly T[],
  again: readonly T[],
  key: (row: T) => string,
): T[] {
  const later = new Map(again.map((r) => [key(r), r]));
  const out = first.map((row) => {
    const other = later.get(key(row));
    if (!other) return row;
    later.delete(key(row));
    return { ...(other.rps > row.rps ? other : row), runs: [...row.runs, ...other.runs] };
  });
  return [...out, ...later.values()];
}
