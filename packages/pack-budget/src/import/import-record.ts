import * as v from "valibot";
import { IMPORT_FORMATS } from "../account-schemas.js";

/** Where an asynchronous import is: waiting for a worker, being read and written, or finished. */
export const IMPORT_STATUSES = ["queued", "running", "done", "failed"] as const;
/** The pass a running import is in: checking every line, or writing part by part. */
export const IMPORT_PHASES = ["check", "write"] as const;

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/**
 * An asynchronous bank import (`imp_…`), as stored: what was asked, how far it got, and how it
 * ended. A worker holds it through `lease_until`, renewed after every part; a record whose lease
 * ran out while queued or running is taken over by the `imports` job.
 */
export const ImportRecord = v.object({
  account_id: v.string(),
  format: v.picklist(IMPORT_FORMATS),
  dry_run: v.boolean(),
  status: v.picklist(IMPORT_STATUSES),
  /** `null` while queued or finished. */
  phase: v.nullable(v.picklist(IMPORT_PHASES)),
  /** Rows in the file; `null` until the check pass has read it all. */
  rows_total: v.nullable(count),
  /** Rows checked (phase `check`) or written (phase `write`, and once done). */
  rows_done: count,
  /** What the import did, as `POST /budget/accounts/:id/import` answers; set once done. */
  result: v.nullable(v.record(v.string(), v.unknown())),
  /** Why the file was refused (problem details naming the line and field); set once failed. */
  problem: v.nullable(v.record(v.string(), v.unknown())),
  /** Who sent the file: the entries name them. */
  actor: v.string(),
  /** Who took the import over after its worker stopped (the `imports` job), if anyone did. */
  resumed_by: v.nullable(v.string()),
  /** Workers that have started it (a resumed import has more than one). */
  attempts: count,
  /** ISO time by which the worker must renew its hold, or the import is taken over. */
  lease_until: v.string(),
  started_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
});
/** A stored asynchronous import (without id/rev/timestamps). */
export type ImportRecord = v.InferOutput<typeof ImportRecord>;

/**
 * The file of an asynchronous import (same id as its import), kept until the import finishes so a
 * worker that takes the import over can read it again.
 */
export const ImportFile = v.object({
  content: v.string(),
  mapping: v.nullable(v.record(v.string(), v.unknown())),
  preset: v.nullable(v.string()),
  date_format: v.nullable(v.string()),
});
/** A stored import file. */
export type ImportFile = v.InferOutput<typeof ImportFile>;
