import { decimalString, idParam, principalLabel, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { bufferCheck, snapshotOf } from "../ledger.js";
import { closeMonth, setAllocation } from "../posting.js";
import { repairTotals } from "../repair-totals.js";
import {
  AllocationResponse,
  BufferCheckResponse,
  SnapshotResponse,
  TotalsRebuildResponse,
} from "../response-schemas.js";
import { AllocationBody, monthString } from "../schemas.js";
import { configOf, moneyField, thisMonth } from "../service.js";
import type { BudgetContext } from "../storage.js";

const route = routeFor<BudgetContext>();
const MonthParams = v.object({ month: monthString });

export const putAllocation = route({
  method: "PUT",
  path: "/months/:month/allocations/:bucket_id",
  summary: "Set a bucket's allocation for a month (replaces the monthly limit for that month)",
  scope: "write",
  params: v.object({ month: monthString, bucket_id: idParam }),
  body: AllocationBody,
  errors: [400, 404, 409, 422],
  response: { status: 200, schema: AllocationResponse },
  handler: async ({ params, body, ctx }) =>
    replyRecord(200, await setAllocation(ctx, params.month, params.bucket_id, body.amount)),
});

export const getMonth = route({
  method: "GET",
  path: "/months/:month",
  summary: "A month's snapshot (frozen once closed)",
  scope: "read",
  params: MonthParams,
  response: { status: 200, schema: SnapshotResponse },
  errors: [404],
  handler: async ({ params, ctx }) => snapshotOf(ctx, params.month),
});

export const closeMonthRoute = route({
  method: "POST",
  path: "/months/:month/close",
  summary: "Close a month: freeze its snapshot; later postings into it get 409",
  scope: "write",
  params: MonthParams,
  response: { status: 201, schema: SnapshotResponse },
  errors: [404, 409],
  handler: async ({ params, ctx, principal }) => {
    const snap = await closeMonth(ctx, params.month, principalLabel(principal));
    return reply(201, snap);
  },
});

export const rebuildTotalsRoute = route({
  method: "POST",
  path: "/months/:month/totals/rebuild",
  summary:
    "Recompute an open month's stored ledger totals from its entries; `changed` tells whether they had drifted",
  description:
    "Snapshots read per-month totals kept with every posting and void, and rebuild them on their own when a write did not finish. This route forces the rebuild (one read of the month's ledger) and reports `{ month, entries, changed, by_currency, rebuilt_at }`.",
  scope: "write",
  params: MonthParams,
  errors: [404, 409],
  response: { status: 200, schema: TotalsRebuildResponse },
  handler: async ({ params, ctx }) => repairTotals(ctx, params.month),
});

export const getSnapshot = route({
  method: "GET",
  path: "/snapshot",
  summary: "Targets, bills estimate, ledger totals, per-bucket available and cash plan gap of a month",
  description:
    "Served from per-month ledger totals, so its cost does not grow with the ledger. `ledger` holds the budget currency's figures; `ledger.other_currencies` names currencies of entries that are not converted (posted before a currency change).",
  scope: "read",
  query: v.strictObject({ month: v.optional(monthString) }),
  response: { status: 200, schema: SnapshotResponse },
  errors: [400],
  handler: async ({ query, ctx }) => snapshotOf(ctx, query.month),
});

export const getBufferCheck = route({
  method: "GET",
  path: "/buffer_check",
  summary: "income target − bills − buffer ≥ 0 for a month, with the shortfall",
  scope: "read",
  query: v.strictObject({ buffer_min: v.optional(decimalString), month: v.optional(monthString) }),
  response: { status: 200, schema: BufferCheckResponse },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const min =
      query.buffer_min === undefined
        ? undefined
        : moneyField("buffer_min", query.buffer_min, configOf(ctx).currency, "non-negative", "query");
    return bufferCheck(ctx, query.month ?? thisMonth(ctx), min);
  },
});
