import { idParam, pageQuery, queryInt, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { PaidBody } from "../schemas.js";
import { missed, recordPayment } from "../service.js";
import type { BillsContext } from "../storage.js";

const route = routeFor<BillsContext>();
const IdParams = v.object({ id: idParam });

export const markPaid = route({
  method: "POST",
  path: "/:id/paid",
  summary:
    "Record a payment against the nearest open occurrence; a retry with the same client_key is counted once",
  scope: "write",
  params: IdParams,
  body: PaidBody,
  response: { status: 201 },
  errors: [404, 409, 422],
  handler: async ({ params, body, ctx }) => {
    const { payment, created } = await recordPayment(ctx, params.id, body);
    return reply(created ? 201 : 200, { ...payment, replayed: !created }, { etag: `"${payment.rev}"` });
  },
});

export const listPayments = route({
  method: "GET",
  path: "/:id/payments",
  summary: "Payments of a bill, newest first",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  errors: [404],
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.bills.require(params.id);
    return ctx.storage.payments.list({
      where: { bill_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});

export const listMissed = route({
  method: "GET",
  path: "/missed",
  summary: "Occurrences still unpaid past their grace period",
  scope: "read",
  query: v.strictObject({ lookback_days: v.optional(queryInt(1, 3660)) }),
  handler: async ({ query, ctx }) => ({
    items: await missed(ctx, { lookbackDays: query.lookback_days ?? 90 }),
  }),
});
