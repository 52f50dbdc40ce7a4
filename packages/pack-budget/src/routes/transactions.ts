import { idParam, pageQuery, principalLabel, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { postTransaction } from "../posting.js";
import { EntryListResponse, EntryResponse, EntryViewResponse } from "../response-schemas.js";
import { CreateTransactionBody, ENTRY_KINDS, monthString } from "../schemas.js";
import type { BudgetContext } from "../storage.js";
import { voidTransaction } from "../void-transaction.js";

const route = routeFor<BudgetContext>();

export const createTransaction = route({
  method: "POST",
  path: "/transactions",
  summary:
    "Post income or an expense; rules fill bucket/category; C/D spending is gated on funded essentials",
  description:
    "The caller (its API key, or `x-actor` when auth is off) is recorded as who posted and who overrode the gate.",
  scope: "write",
  body: CreateTransactionBody,
  response: { status: 201, schema: EntryResponse },
  errors: [400, 409, 422],
  handler: async ({ body, ctx, principal }) => {
    const tx = await postTransaction(ctx, body, principalLabel(principal));
    return replyRecord(201, tx, { location: `/budget/transactions/${tx.id}` });
  },
});

export const listTransactions = route({
  method: "GET",
  path: "/transactions",
  summary: "Ledger entries (filters: month, bucket_id, kind, account_id), newest first",
  scope: "read",
  query: v.strictObject({
    month: v.optional(monthString),
    bucket_id: v.optional(idParam),
    kind: v.optional(v.picklist(ENTRY_KINDS, `must be one of ${ENTRY_KINDS.join(", ")}`)),
    account_id: v.optional(idParam),
    ...pageQuery,
  }),
  response: { status: 200, schema: EntryListResponse },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.transactions.list({ where, cursor, limit });
  },
});

export const getTransaction = route({
  method: "GET",
  path: "/transactions/:id",
  summary: "Get a ledger entry",
  scope: "read",
  params: v.object({ id: idParam }),
  errors: [404],
  response: { status: 200, schema: EntryViewResponse },
  handler: async ({ params, ctx }) => {
    const tx = await ctx.storage.transactions.require(params.id);
    const reversal = await ctx.storage.transactions.get(`${tx.id}_void`);
    const view = { ...tx, voided_by: reversal?.id ?? null };
    return replyRecord(200, view);
  },
});

export const voidTransactionRoute = route({
  method: "POST",
  path: "/transactions/:id/void",
  summary:
    "Void an entry by posting its reversal (never an edit); 409 when already voided or the month is closed",
  scope: "write",
  params: v.object({ id: idParam }),
  response: { status: 201, schema: EntryResponse },
  errors: [404, 409],
  handler: async ({ params, ctx, principal }) => {
    const rev = await voidTransaction(ctx, params.id, principalLabel(principal));
    return replyRecord(201, rev, { location: `/budget/transactions/${rev.id}` });
  },
});
