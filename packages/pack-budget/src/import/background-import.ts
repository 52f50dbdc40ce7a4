import { ConflictError, createId, NotFoundError, ProblemError, type Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { type Account, CsvMapping, type ImportBody } from "../account-schemas.js";
import { fieldProblem } from "../service.js";
import type { BudgetContext } from "../storage.js";
import type { ImportFile, ImportRecord } from "./import-record.js";
import { type ImportProgress, runImportLocked, withImportLock } from "./run-import.js";
import { type ImportOptions, textSource } from "./statement-source.js";

// An asynchronous import is a record plus its file in storage, worked by whichever process holds
// it: the one that took the request starts at once; if that process dies, the record's lease runs
// out and the `imports` job (any replica) takes it over. A takeover re-runs both passes from the
// top: the dedupe keys find the lines the dead worker wrote, so nothing lands twice (they count
// as duplicates in the result). Every claim and renewal is a compare-and-set on the record's
// revision, so a worker that lost its hold stops at its next renewal instead of racing the new one.

/** How long a worker's hold lasts without a renewal (renewed after every part of every pass). */
export const IMPORT_LEASE_MS = 60_000;
/** Workers an import gets before it is given up (a file that kills its worker every time). */
export const MAX_IMPORT_ATTEMPTS = 3;

/** Imports this process is working, so it never starts a second worker for one. */
const working = new Map<string, Promise<unknown>>();

/** Errors that mean "this worker was stopped", not "this file is wrong": the lease runs out and the job resumes it. */
const STOPPED = new Set(["AbortError", "TimeoutError", "FencedError", "LockTimeoutError"]);

const leaseFrom = (now: Date) => new Date(now.getTime() + IMPORT_LEASE_MS).toISOString();

function track<T>(id: string, work: Promise<T>): Promise<T> {
  working.set(id, work);
  const done = () => {
    if (working.get(id) === work) working.delete(id);
  };
  work.then(done, done);
  return work;
}

/**
 * Resolves once every import this process is working has stopped (done, failed or interrupted),
 * including ones started while waiting. For tests and orderly shutdown.
 * @internal
 */
export async function importsIdle(): Promise<void> {
  while (working.size > 0) await Promise.allSettled([...working.values()]);
}

/**
 * Record an import of `body` into `account` as queued, with its file, after the checks that need
 * no reading (options against the account and format, text that storage can hold): those answer
 * 400 naming the field at once. Lines are read by the worker, and a bad one fails the import.
 * @internal
 */
export async function queueImport(
  ctx: BudgetContext,
  account: Stored<Account>,
  body: ImportBody,
  actor: string,
): Promise<Stored<ImportRecord>> {
  if (account.status !== "active")
    throw new ProblemError(409, "account-closed", `Account '${account.id}' is closed`);
  textSource(body, account);
  // The file is stored until the import ends, and Postgres refuses NUL in text.
  if (body.content.includes("\u0000"))
    throw fieldProblem(400, "validation-failed", "content", "must not contain NUL characters");
  const id = createId("imp");
  await ctx.storage.import_files.create(
    {
      content: body.content,
      mapping: body.mapping ? { ...body.mapping } : null,
      preset: body.preset ?? null,
      date_format: body.date_format ?? null,
    },
    { id },
  );
  return ctx.storage.imports.create(
    {
      account_id: account.id,
      format: body.format,
      dry_run: body.dry_run,
      status: "queued",
      phase: null,
      rows_total: null,
      rows_done: 0,
      result: null,
      problem: null,
      actor,
      resumed_by: null,
      attempts: 0,
      lease_until: leaseFrom(ctx.now()),
      started_at: null,
      finished_at: null,
    },
    { id },
  );
}

/**
 * Work a queued import in the background of this process (the request that queued it returns at
 * once). Failures are recorded on the import; anything else is logged and left to the job.
 * @internal
 */
export function startImport(ctx: BudgetContext, id: string): void {
  if (working.has(id)) return;
  void track(
    id,
    workImport(ctx, id, null).catch((err: unknown) =>
      ctx.log.warn("import stopped; the imports job resumes it once its lease runs out", {
        import_id: id,
        error: err instanceof Error ? err.message : String(err),
      }),
    ),
  );
}

/** How a worker's turn at an import ended. */
export type ImportOutcome = "done" | "failed" | "interrupted" | "skipped";

/** The options and file of an import, as the importer reads them. */
function sourceOf(rec: Stored<ImportRecord>, account: Stored<Account>, file: ImportFile) {
  const options: ImportOptions = {
    format: rec.format,
    dry_run: rec.dry_run,
    ...(file.mapping ? { mapping: v.parse(CsvMapping, file.mapping) } : {}),
    ...(file.preset ? { preset: file.preset as NonNullable<ImportOptions["preset"]> } : {}),
    ...(file.date_format
      ? { date_format: file.date_format as NonNullable<ImportOptions["date_format"]> }
      : {}),
  };
  return { options, source: textSource({ ...options, content: file.content }, account) };
}

/**
 * Claim an import and run it to the end, holding the account's import lock: queued, or running with
 * its lease run out, is claimable; anything else is someone else's (`skipped`). `resumedBy` names
 * the principal taking over an import another worker left.
 * @internal
 */
export async function workImport(
  ctx: BudgetContext,
  id: string,
  resumedBy: string | null,
): Promise<ImportOutcome> {
  const first = await ctx.storage.imports.get(id);
  if (!first || first.status === "done" || first.status === "failed") return "skipped";
  return withImportLock(ctx, first.account_id, async () => {
    let rec = await ctx.storage.imports.require(id);
    const now = ctx.now();
    const stale = rec.lease_until <= now.toISOString();
    if (!(rec.status === "queued" || (rec.status === "running" && stale))) return "skipped";
    const finish = async (change: Partial<ImportRecord>): Promise<ImportOutcome> => {
      const at = ctx.now().toISOString();
      rec = await ctx.storage.imports.update(
        id,
        { ...change, phase: null, lease_until: at, finished_at: at },
        { ifRev: rec.rev },
      );
      // Only after the record says so: a crash in between leaves a file the next run ignores.
      await ctx.storage.import_files.delete(id);
      return rec.status as ImportOutcome;
    };
    try {
      if (rec.attempts >= MAX_IMPORT_ATTEMPTS)
        return await finish({
          status: "failed",
          problem: new ProblemError(
            500,
            "import-abandoned",
            `The import stopped ${rec.attempts} times without finishing; send the file again (lines already written are found, not doubled)`,
          ).toJSON(),
        });
      rec = await ctx.storage.imports.update(
        id,
        {
          status: "running",
          phase: "check",
          rows_done: 0,
          attempts: rec.attempts + 1,
          lease_until: leaseFrom(now),
          started_at: rec.started_at ?? now.toISOString(),
          ...(resumedBy === null ? {} : { resumed_by: resumedBy }),
        },
        { ifRev: rec.rev },
      );
      const account = await ctx.storage.accounts.require(rec.account_id);
      const file = await ctx.storage.import_files.require(id);
      const { options, source } = sourceOf(rec, account, file);
      const renew = async (p: ImportProgress) => {
        rec = await ctx.storage.imports.update(
          id,
          {
            phase: p.phase,
            rows_done: p.rows_done,
            rows_total: p.rows_total,
            lease_until: leaseFrom(ctx.now()),
          },
          { ifRev: rec.rev },
        );
      };
      const result = await runImportLocked(ctx, account, source, {
        dryRun: options.dry_run,
        actor: rec.actor,
        saveMapping: options.format === "csv" ? options.mapping : undefined,
        onProgress: renew,
      });
      return await finish({ status: "done", rows_done: result.rows, rows_total: result.rows, result });
    } catch (err) {
      // Another worker holds it now (this one's lease ran out): leave the import to it.
      if (err instanceof ConflictError) return "interrupted";
      if (err instanceof Error && STOPPED.has(err.name)) return "interrupted";
      const problem =
        err instanceof ProblemError
          ? err
          : err instanceof NotFoundError
            ? new ProblemError(404, "not-found", `No such record '${err.id}'`)
            : undefined;
      if (problem) return finish({ status: "failed", problem: problem.toJSON() });
      ctx.log.error("import failed", {
        import_id: id,
        error: err instanceof Error ? err.message : String(err),
      });
      return finish({
        status: "failed",
        problem: new ProblemError(
          500,
          "import-error",
          "The import stopped on an unexpected error; send the file again (lines already written are found, not doubled)",
        ).toJSON(),
      });
    }
  });
}

/**
 * The `imports` job: take over every import whose worker stopped renewing its lease (its process
 * died or was stopped) and run it to the end here, one at a time; an import that has used up
 * {@link MAX_IMPORT_ATTEMPTS} workers is failed instead.
 * @internal
 */
export async function resumeStaleImports(
  ctx: BudgetContext,
  by: string,
): Promise<Record<ImportOutcome, number> & { errors: number }> {
  const now = ctx.now().toISOString();
  const stale: string[] = [];
  for (const status of ["queued", "running"] as const)
    for await (const rec of ctx.storage.imports.iterate({ where: { status }, order: "asc" }))
      if (!working.has(rec.id) && rec.lease_until <= now) stale.push(rec.id);
  const out = { done: 0, failed: 0, interrupted: 0, skipped: 0, errors: 0 };
  for (const id of stale) {
    try {
      out[await track(id, workImport(ctx, id, by))]++;
    } catch (err) {
      out.errors++;
      ctx.log.warn("could not resume import", {
        import_id: id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return out;
}
