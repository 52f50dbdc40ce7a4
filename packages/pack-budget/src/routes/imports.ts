import { idParam, pageQuery, principalLabel, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { CategoriseBody, ImportBody } from "../account-schemas.js";
import { runImport } from "../import/run-import.js";
import { textSource } from "../import/statement-source.js";
import { categoriseEntry } from "../inbox.js";
import { EntryPageResponse, EntryResponse, ImportResponse } from "../response-schemas.js";
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
