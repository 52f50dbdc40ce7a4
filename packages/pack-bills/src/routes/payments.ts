import { idParam, NotFoundError, pageQuery, queryInt, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { configOf } from "../config-of.js";
import { occurrenceView } from "../list-occurrences.js";
import { recordPayment, removePayment } from "../record-payment.js";
import { MissedResponse, PaidResponse, PaymentsPage } from "../responses.js";
import { PaidBody } from "../schemas.js";
import { missed, todayOf } from "../service.js";
import type { BillsContext } from "../storage.js";

const route = routeFor<BillsContext>();
const IdParams = v.object({ id: idParam });

export const markPaid = route({
  method: "POST",
  path: "/:id/paid",
  summary:
    "Record a payment against the named occurrence, or the nearest one not paid in full; a retry with the same client_key is counted once (201 again, with Idempotent-Replayed: true)",
  description:
    "An occurrence is paid once its payments reach the amount due; before that it is partly_paid and stays open. `occurrence_status` shows where it stands after this payment.",
  scope: "write",
  params: IdParams,
  body: PaidBody,
  response: { status: 201, schema: PaidResponse },
  errors: [400, 404, 409, 422],
  handler: async ({ params, body, ctx }) => {
    const { payment, created, bill } = await recordPayment(ctx, params.id, body);
    const occurrence = { nominal: payment.occurrence, due: payment.due_date };
    const occurrence_status = occurrenceView(bill, occurrence, todayOf(ctx), configOf(ctx));
    // One replay convention across the host (IETF idempotency draft): the original status, and
    // `Idempotent-Replayed: true` on a retry. `replayed` in the body says the same, for older clients.
    return reply(
      201,
      { ...payment, replayed: !created, occurrence_status },
      { etag: `"${payment.rev}"`, ...(created ? {} : { "idempotent-replayed": "true" }) },
    );
  },
});

export const listPayments = route({
  method: "GET",
  path: "/:id/payments",
  summary: "Payments of a bill, newest first",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  errors: [400, 404],
  response: { status: 200, schema: PaymentsPage },
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.bills.require(params.id);
    return ctx.storage.payments.list({
      where: { bill_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});

/** `DELETE /bills/:id/payments/:payment_id` (see its summary). */
export const deletePayment = route({
  method: "DELETE",
  path: "/:id/payments/:payment_id",
  summary:
    "Remove a payment recorded in error (or a bank line matched to the wrong bill); its occurrence is open again for what it no longer covers",
  scope: "write",
  params: v.object({ id: idParam, payment_id: idParam }),
  response: { status: 204 },
  errors: [400, 404],
  handler: async ({ params, ctx }) => {
    if (!(await removePayment(ctx, params.id, params.payment_id)))
      throw new NotFoundError("payments", params.payment_id);
    return reply(204);
  },
});

export const listMissed = route({
  method: "GET",
  path: "/missed",
  summary:
    "Tracked occurrences not paid in full past their grace period (partly paid ones show what remains)",
  scope: "read",
  query: v.strictObject({ lookback_days: v.optional(queryInt(1, 3660)) }),
  response: { status: 200, schema: MissedResponse },
  errors: [400],
  handler: async ({ query, ctx }) => ({
    items: await missed(ctx, { lookbackDays: query.lookback_days ?? 90 }),
  }),
});
