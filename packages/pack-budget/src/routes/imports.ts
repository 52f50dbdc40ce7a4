import { idParam, pageQuery, principalLabel, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { CategoriseBody, ImportBody } from "../account-schemas.js";
import { queueImport, startImport } from "../import/background-import.js";
import { IMPORT_STATUSES } from "../import/import-record.js";
import { PART_LINES, runImport } from "../import/run-import.js";
import { textSource } from "../import/statement-source.js";
import { categoriseEntry } from "../inbox.js";
import {
  EntryPageResponse,
  EntryResponse,
  ImportRecordPageResponse,
  ImportRecordResponse,
  ImportResponse,
} from "../response-schemas.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();
const IdParams = v.object({ id: idParam });

/** `POST /budget/accounts/:id/import` (see its summary). */
export const importRoute = route({
  method: "POST",
  path: "/accounts/:id/import",
  summary:
    "Import a bank file (csv, ofx/qfx, qif) into an account: deduped, categorised by the rules, the rest to the inbox",
  description:
    "The file travels as text in `content` (bounded by the host body limit, 1 MB by default). The whole file is parsed first: a bad line refuses it with 400 naming the line and field, and nothing is written. Re-importing an overlapping statement creates no duplicates (bank id or fingerprint). Imported entries skip the essentials gate: the money already moved. `dry_run: true` reports what would be created and writes nothing.",
  scope: "write",
  params: IdParams,
  body: ImportBody,
  response: { status: 200, schema: ImportResponse },
  errors: [404, 409, 422],
  handler: async ({ params, body, ctx, principal }) => {
    const account = await ctx.storage.accounts.require(params.id);
    return runImport(ctx, account, textSource(body, account), {
      dryRun: body.dry_run,
      actor: principalLabel(principal),
      saveMapping: body.format === "csv" ? body.mapping : undefined,
    });
  },
});

/** `POST /budget/accounts/:id/imports` (see its summary). */
export const queueImportRoute = route({
  method: "POST",
  path: "/accounts/:id/imports",
  summary: "Start an import of a bank file in the background; follow it at the Location it answers with",
  description: `Takes the same body as \`POST /budget/accounts/:id/import\` and answers 202 at once with the import (\`status: "queued"\`) and \`Location: /budget/imports/:import_id\`. Options that do not fit the file or the account answer 400 naming the field straight away. The file is then checked line by line (\`phase: "check"\`) and written in parts of ${PART_LINES} lines (\`phase: "write"\`), \`rows_done\` counting up to \`rows_total\`. A bad line fails the import (\`status: "failed"\`, \`problem\` naming the line and field) with nothing written; \`status: "done"\` carries the same \`result\` the synchronous import answers. If the worker's process dies, the \`imports\` job takes the import over once its lease runs out (about a minute) and finishes it without writing any line twice.`,
  scope: "write",
  params: IdParams,
  body: ImportBody,
  response: { status: 202, schema: ImportRecordResponse },
  errors: [404, 409, 422],
  handler: async ({ params, body, ctx, principal }) => {
    const account = await ctx.storage.accounts.require(params.id);
    const record = await queueImport(ctx, account, body, principalLabel(principal));
    // The request's context stays usable after the 202: its abort flag is raised only while the
    // request is being answered (timeout, client gone), and that is over.
    startImport(ctx, record.id);
    return replyRecord(202, record, { location: `/budget/imports/${record.id}` });
  },
});

/** `GET /budget/imports` (see its summary). */
export const listImportsRoute = route({
  method: "GET",
  path: "/imports",
  summary: "Asynchronous imports, newest first (optionally of one account, or in one status)",
  scope: "read",
  query: v.strictObject({
    account_id: v.optional(idParam),
    status: v.optional(v.picklist(IMPORT_STATUSES, `must be one of ${IMPORT_STATUSES.join(", ")}`)),
    ...pageQuery,
  }),
  response: { status: 200, schema: ImportRecordPageResponse },
  errors: [],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, account_id, status } = query;
    return ctx.storage.imports.list({ where: { account_id, status }, cursor, limit });
  },
});

/** `GET /budget/imports/:id` (see its summary). */
export const getImportRoute = route({
  method: "GET",
  path: "/imports/:id",
  summary: "An asynchronous import: its status, progress (rows_done of rows_total), result or problem",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: ImportRecordResponse },
  errors: [404],
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.imports.require(params.id)),
});

/** `GET /budget/inbox` (see its summary). */
export const listInbox = route({
  method: "GET",
  path: "/inbox",
  summary: "Imported entries no rule could place (uncategorised), newest first",
  scope: "read",
  query: v.strictObject({ account_id: v.optional(idParam), ...pageQuery }),
  response: { status: 200, schema: EntryPageResponse },
  errors: [],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, account_id } = query;
    return ctx.storage.transactions.list({ where: { inbox: true, account_id }, cursor, limit });
  },
});

/** `POST /budget/inbox/:id/categorise` (see its summary). */
export const categoriseRoute = route({
  method: "POST",
  path: "/inbox/:id/categorise",
  summary: "Give an inbox entry its bucket (required for an expense) and category; it leaves the inbox",
  scope: "write",
  params: IdParams,
  body: CategoriseBody,
  response: { status: 200, schema: EntryResponse },
  errors: [404, 409, 422],
  handler: async ({ params, body, ctx }) => replyRecord(200, await categoriseEntry(ctx, params.id, body)),
});
