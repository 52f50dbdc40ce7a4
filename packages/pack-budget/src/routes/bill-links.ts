import { idParam, principalLabel, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { allLinks } from "../bill-coverage.js";
import { deleteBillLink, putBillLink, syncBillPayments } from "../bill-links.js";
import { matchEntry, unmatchEntry } from "../bill-match.js";
import {
  BillLinkResponse,
  BillLinksResponse,
  BillMatchResponse,
  BillSyncResponse,
  EntryResponse,
} from "../response-schemas.js";
import { BillLinkBody, BillMatchBody } from "../schemas.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();
const BillParams = v.object({ bill_id: idParam });
const IdParams = v.object({ id: idParam });

/** `PUT /budget/bill_links/:bill_id` (see its summary). */
export const putBillLinkRoute = route({
  method: "PUT",
  path: "/bill_links/:bill_id",
  summary:
    "Cover a bill (from the bills pack) with a bucket: its payments are posted to the bucket and account, and the cash plan counts it once",
  description:
    "Payments recorded with `POST /bills/:id/paid` on or after `since` (default today) become expense entries of the bucket, one per payment (`tx_<payment id>`), posted by the `bill-payments` job every minute or at once by `POST /budget/bill_links/sync`. The entry is not gated: the money has already gone. The account, when named, must book the bill's currency.",
  scope: "write",
  params: BillParams,
  body: BillLinkBody,
  response: { status: 200, schema: BillLinkResponse },
  errors: [400, 404, 409, 422],
  handler: async ({ params, body, ctx }) => {
    const { link, created } = await putBillLink(ctx, params.bill_id, body);
    return replyRecord(created ? 201 : 200, link);
  },
});

/** `GET /budget/bill_links` (see its summary). */
export const listBillLinks = route({
  method: "GET",
  path: "/bill_links",
  summary: "Bills covered by a bucket, by bill id",
  scope: "read",
  response: { status: 200, schema: BillLinksResponse },
  errors: [],
  handler: async ({ ctx }) => ({ items: await allLinks(ctx) }),
});

/** `DELETE /budget/bill_links/:bill_id` (see its summary). */
export const deleteBillLinkRoute = route({
  method: "DELETE",
  path: "/bill_links/:bill_id",
  summary: "Stop covering a bill with a bucket; entries already posted stay in the ledger",
  scope: "write",
  params: BillParams,
  response: { status: 204 },
  errors: [400, 404],
  handler: async ({ params, ctx }) => {
    await deleteBillLink(ctx, params.bill_id);
    return reply(204);
  },
});

/** `POST /budget/bill_links/sync` (see its summary). */
export const syncBillLinksRoute = route({
  method: "POST",
  path: "/bill_links/sync",
  summary:
    "Post the linked bills' payments that are not in the ledger yet (what the every-minute job does); running it again posts nothing twice",
  scope: "write",
  response: { status: 200, schema: BillSyncResponse },
  errors: [],
  handler: async ({ ctx, principal }) => syncBillPayments(ctx, principalLabel(principal)),
});

/** `POST /budget/transactions/:id/bill_match` (see its summary). */
export const matchBillRoute = route({
  method: "POST",
  path: "/transactions/:id/bill_match",
  summary:
    "Say that a ledger entry paid a bill: the bill's occurrence (named, or the nearest open one) records the payment, and the entry names it",
  scope: "write",
  params: IdParams,
  body: BillMatchBody,
  response: { status: 200, schema: BillMatchResponse },
  errors: [400, 404, 409, 422],
  handler: ({ params, body, ctx }) => matchEntry(ctx, params.id, body),
});

/** `DELETE /budget/transactions/:id/bill_match` (see its summary). */
export const unmatchBillRoute = route({
  method: "DELETE",
  path: "/transactions/:id/bill_match",
  summary: "Undo an entry's bill match: the bill's payment is removed and its occurrence is open again",
  scope: "write",
  params: IdParams,
  response: { status: 200, schema: EntryResponse },
  errors: [400, 404, 409],
  handler: ({ params, ctx }) => unmatchEntry(ctx, params.id),
});
