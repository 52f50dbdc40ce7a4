import { idParam, pageQuery, queryBool, replyRecord, routeFor, text } from "@valhalla/runtime";
import * as v from "valibot";
import { AdjustBody, CreateItemBody, ItemPage, ItemRecord, PatchItemBody } from "../schemas.js";
import { adjustQuantity, withLowFlag } from "../service.js";
import type { InventoryContext } from "../storage.js";

const route = routeFor<InventoryContext>();
const IdParams = v.object({ id: idParam });

export const createItem = route({
  method: "POST",
  path: "/",
  summary: "Add an item to the house inventory",
  scope: "write",
  body: CreateItemBody,
  response: { status: 201, schema: ItemRecord, description: "The new item" },
  errors: [400, 415],
  handler: async ({ body, ctx }) => {
    const item = await ctx.storage.items.create(withLowFlag(body));
    return replyRecord(201, item, { location: `/inventory/${item.id}` });
  },
});

export const listItems = route({
  method: "GET",
  path: "/",
  summary: "List items (filters: location, low)",
  scope: "read",
  query: v.strictObject({ location: v.optional(text(100)), low: v.optional(queryBool), ...pageQuery }),
  response: { status: 200, schema: ItemPage, description: "One page of items, oldest first" },
  errors: [400],
  handler: ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.items.list({ where, cursor, limit, order: "asc" });
  },
});

export const listLowItems = route({
  method: "GET",
  path: "/low",
  summary: "List items at or below their low-stock threshold",
  scope: "read",
  query: v.strictObject({ ...pageQuery }),
  response: { status: 200, schema: ItemPage, description: "One page of low items, oldest first" },
  errors: [400],
  handler: ({ query, ctx }) =>
    ctx.storage.items.list({ where: { low: true }, cursor: query.cursor, limit: query.limit, order: "asc" }),
});

export const getItem = route({
  method: "GET",
  path: "/:id",
  summary: "Get an item",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: ItemRecord, description: "The item (ETag: its revision)" },
  errors: [404],
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.items.require(params.id)),
});

export const patchItem = route({
  method: "PATCH",
  path: "/:id",
  summary: "Rename, move or re-threshold an item (If-Match for optimistic concurrency)",
  scope: "write",
  params: IdParams,
  body: PatchItemBody,
  response: { status: 200, schema: ItemRecord, description: "The changed item" },
  errors: [400, 404, 412],
  handler: async ({ params, body, ctx, ifRev }) => {
    const patch = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    const item = await ctx.storage.items.update(params.id, (cur) => withLowFlag({ ...cur, ...patch }), {
      ifRev,
    });
    return replyRecord(200, item);
  },
});

export const adjustItem = route({
  method: "POST",
  path: "/:id/adjust",
  summary: "Change an item's quantity by a signed delta (refused below zero)",
  scope: "write",
  params: IdParams,
  body: AdjustBody,
  response: { status: 200, schema: ItemRecord, description: "The item with its new quantity" },
  errors: [400, 404, 409, 412],
  handler: async ({ params, body, ctx, ifRev }) =>
    replyRecord(200, await adjustQuantity(ctx, params.id, body.delta, ifRev)),
});

export const deleteItem = route({
  method: "DELETE",
  path: "/:id",
  summary: "Remove an item from the inventory",
  scope: "write",
  params: IdParams,
  response: { status: 204, description: "Removed" },
  errors: [404, 412],
  handler: async ({ params, ctx, ifRev }) => {
    await ctx.storage.items.require(params.id);
    await ctx.storage.items.delete(params.id, { ifRev });
    return new Response(null, { status: 204 });
  },
});
