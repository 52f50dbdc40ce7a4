import { idParam, ProblemError, pageQuery, replyRecord, routeFor, type Stored } from "@valhalla/runtime";
import * as v from "valibot";
import { AutopayChecklistResponse, BillResponse, BillsPage } from "../responses.js";
import {
  AUTOPAY_STEPS,
  BILL_STATUSES,
  type Bill,
  CreateBillBody,
  PatchBillBody,
  SkipBody,
} from "../schemas.js";
import {
  autopayChecklist,
  billAsInput,
  billFromInput,
  billView,
  billWrite,
  configOf,
  skipOccurrence,
  todayOf,
} from "../service.js";
import type { BillsContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";

const route = routeFor<BillsContext>();
const IdParams = v.object({ id: idParam });

export const createBill = route({
  method: "POST",
  path: "/",
  summary: "Register a recurring bill",
  scope: "write",
  body: CreateBillBody,
  response: { status: 201, schema: BillResponse },
  errors: [400],
  handler: async ({ body, ctx }) => {
    const bill = await billWrite(ctx, async () => ({
      before: null,
      after: await ctx.storage.bills.create(billFromInput(body, todayOf(ctx), configOf(ctx))),
    }));
    return replyRecord(201, await billView(ctx, bill), { location: `/bills/${bill.id}` });
  },
});

export const listBills = route({
  method: "GET",
  path: "/",
  summary: "List bills (filter: status)",
  scope: "read",
  query: v.strictObject({
    status: v.optional(v.picklist(BILL_STATUSES, `must be one of ${BILL_STATUSES.join(", ")}`)),
    ...pageQuery,
  }),
  response: { status: 200, schema: BillsPage },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, status } = query;
    return ctx.storage.bills.list({ where: { status }, cursor, limit });
  },
});

export const getBill = route({
  method: "GET",
  path: "/:id",
  summary: "Get a bill with its next open due date",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: BillResponse },
  errors: [404],
  handler: async ({ params, ctx }) => {
    const bill = await ctx.storage.bills.require(params.id);
    return replyRecord(200, await billView(ctx, bill));
  },
});

export const patchBill = route({
  method: "PATCH",
  path: "/:id",
  summary: "Change a bill (send If-Match with its ETag; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchBillBody,
  response: { status: 200, schema: BillResponse },
  errors: [400, 404, 412],
  handler: async ({ params, body, ctx, ifRev }) => {
    const patch = Object.fromEntries(Object.entries(body).filter(([, val]) => val !== undefined));
    const bill = await billWrite(ctx, async () => {
      let before: Stored<Bill> | null = null;
      const after = await ctx.storage.bills.update(
        params.id,
        (cur) => {
          before = cur;
          const merged = { ...billAsInput(cur), ...patch };
          // A cadence switch drops fields the new cadence does not take, unless the patch sets them.
          if ("cadence" in patch) {
            if (!("interval" in patch)) merged.interval = undefined;
            if (!("second_day_of_month" in patch) && merged.cadence !== "twice_monthly")
              merged.second_day_of_month = null;
            if (
              !("day_of_month" in patch) &&
              ["weekly", "every_n_weeks", "every_n_days"].includes(merged.cadence)
            )
              merged.day_of_month = null;
          }
          return billFromInput(merged, todayOf(ctx), configOf(ctx), cur);
        },
        { ifRev },
      );
      return { before, after };
    });
    return replyRecord(200, await billView(ctx, bill));
  },
});

export const skipBill = route({
  method: "POST",
  path: "/:id/skip",
  summary: "Skip one occurrence (by its nominal due date); it is neither upcoming nor missed",
  scope: "write",
  params: IdParams,
  body: SkipBody,
  response: { status: 200, schema: BillResponse },
  errors: [400, 404, 412, 422],
  handler: async ({ params, body, ctx, ifRev }) => {
    const bill = await skipOccurrence(ctx, params.id, body.date, ifRev);
    return replyRecord(200, await billView(ctx, bill));
  },
});

export const getAutopayChecklist = route({
  method: "GET",
  path: "/:id/autopay_checklist",
  summary: "The 7-step autopay set-up checklist of a bill",
  scope: "read",
  params: IdParams,
  errors: [404],
  response: { status: 200, schema: AutopayChecklistResponse },
  handler: async ({ params, ctx }) => autopayChecklist(ctx, await ctx.storage.bills.require(params.id)),
});

export const markAutopayStep = route({
  method: "POST",
  path: "/:id/autopay_checklist/:step",
  summary: "Mark an autopay step done (or not, with done=false); all seven done turns autopay on",
  scope: "write",
  params: v.object({ id: idParam, step: v.string() }),
  body: v.strictObject({ done: v.optional(v.boolean(), true) }),
  errors: [400, 404],
  response: { status: 200, schema: AutopayChecklistResponse },
  handler: async ({ params, body, ctx }) => {
    const step = AUTOPAY_STEPS.find((s) => s === params.step);
    if (!step)
      throw new ProblemError(
        404,
        "not-found",
        `No autopay step '${params.step}'; steps: ${AUTOPAY_STEPS.join(", ")}`,
      );
    const bill = await afterWrite(ctx, () =>
      ctx.storage.bills.update(params.id, (cur) => {
        const done = new Set(cur.autopay_steps_done);
        if (body.done) done.add(step);
        else done.delete(step);
        const steps = AUTOPAY_STEPS.filter((s) => done.has(s));
        return {
          ...cur,
          autopay_steps_done: steps,
          autopay: steps.length === AUTOPAY_STEPS.length ? true : cur.autopay,
        };
      }),
    );
    return autopayChecklist(ctx, bill);
  },
});
