import { idParam, pageQuery, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { bucketMonth, closedMonths } from "../ledger.js";
import { BucketPageResponse, BucketResponse, BucketViewResponse } from "../response-schemas.js";
import {
  BUCKET_STATUSES,
  BUCKET_TYPES,
  CreateBucketBody,
  monthString,
  PatchBucketBody,
  PRIORITIES,
} from "../schemas.js";
import {
  configOf,
  defaultStartMonth,
  fieldProblem,
  moneyField,
  requireCategory,
  thisMonth,
} from "../service.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";

const route = routeFor<BudgetContext>();
const IdParams = v.object({ id: idParam });

export const createBucket = route({
  method: "POST",
  path: "/buckets",
  summary: "Create a bucket (type, monthly limit, priority A–D, rollover)",
  description:
    "`start_month` defaults to the earliest open month the ledger already has entries in (so last month's receipts can go into the new bucket), else this month; never a closed month.",
  scope: "write",
  body: CreateBucketBody,
  response: { status: 201, schema: BucketResponse },
  errors: [400, 422],
  handler: async ({ body, ctx }) => {
    const limit = moneyField("monthly_limit", body.monthly_limit, configOf(ctx).currency, "non-negative");
    await requireCategory(ctx, "category", body.category);
    const { monthly_limit: _l, start_month, ...rest } = body;
    const start = start_month ?? (await defaultStartMonth(ctx));
    const bucket = await afterWrite(ctx, () =>
      ctx.storage.buckets.create({ ...rest, monthly_limit_minor: limit, start_month: start }),
    );
    return replyRecord(201, bucket, { location: `/budget/buckets/${bucket.id}` });
  },
});

export const listBuckets = route({
  method: "GET",
  path: "/buckets",
  summary: "List buckets (filters: type, priority, status)",
  scope: "read",
  query: v.strictObject({
    type: v.optional(v.picklist(BUCKET_TYPES, `must be one of ${BUCKET_TYPES.join(", ")}`)),
    priority: v.optional(v.picklist(PRIORITIES, "must be A, B, C or D")),
    status: v.optional(v.picklist(BUCKET_STATUSES)),
    ...pageQuery,
  }),
  response: { status: 200, schema: BucketPageResponse },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.buckets.list({ where, cursor, limit, order: "asc" });
  },
});

export const getBucket = route({
  method: "GET",
  path: "/buckets/:id",
  summary: "Get a bucket with its figures for a month (default: this month)",
  scope: "read",
  params: IdParams,
  query: v.strictObject({ month: v.optional(monthString) }),
  errors: [400, 404],
  response: { status: 200, schema: BucketViewResponse },
  handler: async ({ params, query, ctx }) => {
    const bucket = await ctx.storage.buckets.require(params.id);
    const figures = await bucketMonth(ctx, bucket, query.month ?? thisMonth(ctx), await closedMonths(ctx));
    const view = { ...bucket, month: query.month ?? thisMonth(ctx), figures };
    return replyRecord(200, view);
  },
});

export const patchBucket = route({
  method: "PATCH",
  path: "/buckets/:id",
  summary: "Change a bucket (send If-Match with its ETag; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchBucketBody,
  errors: [400, 404, 409, 412, 422],
  response: { status: 200, schema: BucketResponse },
  handler: async ({ params, body, ctx, ifRev }) => {
    const { monthly_limit, ...rest } = body;
    const patch: Record<string, unknown> = Object.fromEntries(
      Object.entries(rest).filter(([, x]) => x !== undefined),
    );
    if (monthly_limit !== undefined)
      patch.monthly_limit_minor = moneyField(
        "monthly_limit",
        monthly_limit,
        configOf(ctx).currency,
        "non-negative",
      );
    if (body.category !== undefined) await requireCategory(ctx, "category", body.category);
    if (body.start_month !== undefined) await checkStartMonth(ctx, params.id, body.start_month);
    const bucket = await afterWrite(ctx, () => ctx.storage.buckets.update(params.id, patch, { ifRev }));
    return replyRecord(200, bucket);
  },
});

/**
 * A bucket may start in any month after the last closed one (a closed month's figures are frozen
 * without it), and later only while nothing of it (entries, allocations) is dated before the new start.
 */
async function checkStartMonth(ctx: BudgetContext, bucketId: string, start: string) {
  const bucket = await ctx.storage.buckets.require(bucketId);
  if (start === bucket.start_month) return;
  const [closed] = (await ctx.storage.closings.list({ order: "desc", limit: 1 })).items;
  const lastClosed = closed?.id.slice("close_".length);
  if (lastClosed !== undefined && start <= lastClosed)
    throw fieldProblem(
      409,
      "month-closed",
      "start_month",
      `must be after the last closed month ${lastClosed}`,
    );
  if (start < bucket.start_month) return;
  for await (const a of ctx.storage.allocations.iterate({ where: { bucket_id: bucketId } }))
    if (a.month < start)
      throw fieldProblem(
        409,
        "bucket-in-use",
        "start_month",
        `is after the bucket's allocation in ${a.month}`,
      );
  for await (const e of ctx.storage.transactions.iterate({ where: { bucket_id: bucketId } }))
    if (e.month < start)
      throw fieldProblem(
        409,
        "bucket-in-use",
        "start_month",
        `is after the bucket's entry '${e.id}' in ${e.month}`,
      );
}
