import { idParam, pageQuery, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { BoughtResponse, PushResponse, SHOPPING_STATUS, ShoppingPage } from "../schemas.js";
import { markBought, pushLowItems } from "../service.js";
import type { InventoryContext } from "../storage.js";

const route = routeFor<InventoryContext>();

export const listShopping = route({
  method: "GET",
  path: "/shopping",
  summary: "The shopping list (filter: status open|bought)",
  scope: "read",
  query: v.strictObject({
    status: v.optional(v.picklist(SHOPPING_STATUS, "must be 'open' or 'bought'")),
    ...pageQuery,
  }),
  response: { status: 200, schema: ShoppingPage, description: "One page of entries, oldest first" },
  errors: [400],
  handler: ({ query, ctx }) => {
    const { cursor, limit, status } = query;
    return ctx.storage.shopping.list({ where: { status }, cursor, limit, order: "asc" });
  },
});

export const pushShopping = route({
  method: "POST",
  path: "/shopping/push",
  summary: "Put every low item on the shopping list (idempotent: one open entry per item)",
  scope: "write",
  response: { status: 200, schema: PushResponse },
  errors: [503],
  handler: async ({ ctx }) => {
    const r = await pushLowItems(ctx);
    return { added: r.added, updated: r.updated, unchanged: r.unchanged, items: r.entries };
  },
});

export const boughtShopping = route({
  method: "POST",
  path: "/shopping/:id/bought",
  summary: "Mark a shopping entry bought and add its quantity to the item",
  scope: "write",
  params: v.object({ id: idParam }),
  response: { status: 200, schema: BoughtResponse },
  errors: [404, 409, 503],
  handler: ({ params, ctx }) => markBought(ctx, params.id),
});
