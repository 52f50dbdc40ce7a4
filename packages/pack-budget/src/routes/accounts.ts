import { idParam, pageQuery, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { ACCOUNT_STATUSES, ACCOUNT_TYPES, CreateAccountBody, PatchAccountBody } from "../account-schemas.js";
import { accountView, createAccount, deleteAccount, rebuildAccountBalance } from "../accounts.js";
import { AccountPageResponse, AccountResponse, BalanceRebuildResponse } from "../response-schemas.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";

const route = routeFor<BudgetContext>();
const IdParams = v.object({ id: idParam });

/** `POST /budget/accounts` (see its summary). */
export const createAccountRoute = route({
  method: "POST",
  path: "/accounts",
  summary: "Open an account (checking, savings, credit_card, cash, loan) with an opening balance",
  description:
    "Balances are signed from the household's view: money owed on a card or loan is negative. `currency` defaults to the budget's.",
  scope: "write",
  body: CreateAccountBody,
  response: { status: 201, schema: AccountResponse },
  errors: [422],
  handler: async ({ body, ctx }) => {
    const a = await createAccount(ctx, body);
    return replyRecord(201, a, { location: `/budget/accounts/${a.id}` });
  },
});

/** `GET /budget/accounts` (see its summary). */
export const listAccounts = route({
  method: "GET",
  path: "/accounts",
  summary: "Accounts with their balances (filters: type, status)",
  scope: "read",
  query: v.strictObject({
    type: v.optional(v.picklist(ACCOUNT_TYPES, `must be one of ${ACCOUNT_TYPES.join(", ")}`)),
    status: v.optional(v.picklist(ACCOUNT_STATUSES, "must be active or closed")),
    ...pageQuery,
  }),
  response: { status: 200, schema: AccountPageResponse },
  errors: [],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    const page = await ctx.storage.accounts.list({ where, cursor, limit, order: "asc" });
    const items = [];
    for (const a of page.items) items.push(await accountView(ctx, a));
    return { items, next_cursor: page.next_cursor };
  },
});

/** `GET /budget/accounts/:id` (see its summary). */
export const getAccount = route({
  method: "GET",
  path: "/accounts/:id",
  summary: "An account with balance_minor = opening balance + its ledger entries (kept as a running total)",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: AccountResponse },
  errors: [404],
  handler: async ({ params, ctx }) =>
    replyRecord(200, await accountView(ctx, await ctx.storage.accounts.require(params.id))),
});

/** `PATCH /budget/accounts/:id` (see its summary). */
export const patchAccount = route({
  method: "PATCH",
  path: "/accounts/:id",
  summary: "Rename, retype, close or annotate an account (send If-Match; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchAccountBody,
  response: { status: 200, schema: AccountResponse },
  errors: [404, 412],
  handler: async ({ params, body, ctx, ifRev }) => {
    const patch = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== undefined));
    const a = await afterWrite(ctx, () => ctx.storage.accounts.update(params.id, patch, { ifRev }));
    return replyRecord(200, await accountView(ctx, a));
  },
});

/** `DELETE /budget/accounts/:id` (see its summary). */
export const deleteAccountRoute = route({
  method: "DELETE",
  path: "/accounts/:id",
  summary: "Delete an account without ledger entries (409 otherwise: close it instead)",
  scope: "write",
  params: IdParams,
  response: { status: 204 },
  errors: [404, 409],
  handler: async ({ params, ctx }) => {
    await deleteAccount(ctx, params.id);
    return reply(204);
  },
});

/** `POST /budget/accounts/:id/balance/rebuild` (see its summary). */
export const rebuildBalanceRoute = route({
  method: "POST",
  path: "/accounts/:id/balance/rebuild",
  summary: "Recompute an account's running total from its ledger; `changed` tells whether it had drifted",
  scope: "write",
  params: IdParams,
  response: { status: 200, schema: BalanceRebuildResponse },
  errors: [404],
  handler: async ({ params, ctx }) => rebuildAccountBalance(ctx, params.id),
});
