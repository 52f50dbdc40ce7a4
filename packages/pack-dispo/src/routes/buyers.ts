import { idParam, ProblemError, pageQuery, queryBool, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { BuyerPage, BuyerRecord, CreateBuyerBody, PatchBuyerBody } from "../schemas.js";
import { patchBuyer, toBuyer } from "../service.js";
import type { DispoContext } from "../storage.js";

const route = routeFor<DispoContext>();
const IdParams = v.object({ id: idParam });

export const createBuyer = route({
  method: "POST",
  path: "/buyers",
  summary: "Create a buyer profile with a buy box (money as decimal strings in the buyer's currency)",
  scope: "write",
  body: CreateBuyerBody,
  response: { status: 201, schema: BuyerRecord, description: "The new buyer" },
  errors: [400],
  handler: async ({ body, ctx }) => {
    const buyer = await ctx.storage.buyers.create(toBuyer(body));
    return replyRecord(201, buyer, { location: `/dispo/buyers/${buyer.id}` });
  },
});

export const listBuyers = route({
  method: "GET",
  path: "/buyers",
  summary: "List buyers (filter: active; cursor pagination)",
  scope: "read",
  query: v.strictObject({ active: v.optional(queryBool), ...pageQuery }),
  response: { status: 200, schema: BuyerPage, description: "One page of buyers, newest first" },
  errors: [400],
  handler: ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.buyers.list({ where, cursor, limit });
  },
});

export const getBuyer = route({
  method: "GET",
  path: "/buyers/:id",
  summary: "Get a buyer",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: BuyerRecord, description: "The buyer (ETag: its revision)" },
  errors: [404],
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.buyers.require(params.id)),
});

export const patchBuyerRoute = route({
  method: "PATCH",
  path: "/buyers/:id",
  summary: "Change a buyer (buy_box is replaced whole; If-Match → 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchBuyerBody,
  response: { status: 200, schema: BuyerRecord, description: "The changed buyer" },
  errors: [400, 404, 412],
  handler: async ({ params, body, ctx, ifRev }) =>
    replyRecord(200, await ctx.storage.buyers.update(params.id, (cur) => patchBuyer(cur, body), { ifRev })),
});

export const deleteBuyer = route({
  method: "DELETE",
  path: "/buyers/:id",
  summary: "Delete a buyer without assignments (deactivate buyers with history instead)",
  scope: "write",
  params: IdParams,
  response: { status: 204, description: "Deleted" },
  errors: [404, 409, 412],
  handler: async ({ params, ctx, ifRev }) => {
    await ctx.storage.buyers.require(params.id);
    const held = await ctx.storage.assignments.count({ buyer_id: params.id });
    if (held > 0) {
      throw new ProblemError(
        409,
        "buyer-has-assignments",
        `Buyer '${params.id}' has ${held} assignment(s); set active=false instead`,
        { assignments: held },
      );
    }
    await ctx.storage.buyers.delete(params.id, { ifRev });
    return reply(204);
  },
});
