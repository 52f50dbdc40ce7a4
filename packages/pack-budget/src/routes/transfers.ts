import { idParam, principalLabel, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { TransferBody } from "../account-schemas.js";
import { TransferResponse } from "../response-schemas.js";
import type { BudgetContext } from "../storage.js";
import { getTransfer, postTransfer, voidTransfer } from "../transfers.js";

const route = routeFor<BudgetContext>();
const IdParams = v.object({ id: idParam });

/** `POST /budget/transfers` (see its summary). */
export const createTransfer = route({
  method: "POST",
  path: "/transfers",
  summary:
    "Move money between two accounts; neither income nor expense (spending and month totals unchanged)",
  scope: "write",
  body: TransferBody,
  response: { status: 201, schema: TransferResponse },
  errors: [409, 422],
  handler: async ({ body, ctx, principal }) => {
    const t = await postTransfer(ctx, body, principalLabel(principal));
    return reply(201, t, { location: `/budget/transfers/${t.id}` });
  },
});

/** `GET /budget/transfers/:id` (see its summary). */
export const getTransferRoute = route({
  method: "GET",
  path: "/transfers/:id",
  summary: "A transfer with its two legs",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: TransferResponse },
  errors: [404],
  handler: async ({ params, ctx }) => getTransfer(ctx, params.id),
});

/** `POST /budget/transfers/:id/void` (see its summary). */
export const voidTransferRoute = route({
  method: "POST",
  path: "/transfers/:id/void",
  summary: "Void a transfer: reverse both legs together",
  scope: "write",
  params: IdParams,
  response: { status: 200, schema: TransferResponse },
  errors: [404, 409],
  handler: async ({ params, ctx, principal }) => voidTransfer(ctx, params.id, principalLabel(principal)),
});
