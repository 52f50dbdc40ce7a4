import {
  idParam,
  pageQuery,
  parseMoney,
  queryBool,
  replyRecord,
  routeFor,
  text,
  todayIn,
} from "@valhalla/runtime";
import * as v from "valibot";
import { recordOpeningBalance } from "../liability-balances.js";
import {
  AddLiabilityBody,
  AddValuationBody,
  ASSET_TYPES,
  AssetPage,
  AssetRecord,
  AssetView,
  CreateAssetBody,
  HoldingsSummary,
  LiabilityPage,
  LiabilityRecord,
  PatchAssetBody,
  ValuationPage,
  ValuationResponse,
} from "../schemas.js";
import { assetView, configOf, parseFxParam, summarize } from "../service.js";
import type { HoldingsContext } from "../storage.js";
import { createAsset as createHolding, updateAsset } from "../summary-index.js";

const route = routeFor<HoldingsContext>();
const IdParams = v.object({ id: idParam });

const viewOpts = (ctx: HoldingsContext, fxParam?: string) => {
  const cfg = configOf(ctx);
  return {
    base: cfg.base_currency,
    fx: fxParam ? Object.assign({}, cfg.fx_rates, parseFxParam(fxParam)) : cfg.fx_rates,
    today: todayIn(ctx.timezone, ctx.now()),
    staleAfterDays: cfg.stale_after_days,
  };
};

export const createAsset = route({
  method: "POST",
  path: "/",
  summary: "Create a holding",
  scope: "write",
  body: CreateAssetBody,
  response: { status: 201, schema: AssetRecord, description: "The new holding" },
  errors: [400],
  handler: async ({ body, ctx }) => {
    const asset = await createHolding(
      ctx,
      Object.assign({}, body, { archived_at: null, valuation: null, liabilities: {} }),
    );
    return replyRecord(201, asset, { location: `/holdings/${asset.id}` });
  },
});

export const listAssets = route({
  method: "GET",
  path: "/",
  summary: "List holdings (filters: type, jurisdiction, entity_id, currency, active)",
  scope: "read",
  query: v.strictObject({
    type: v.optional(v.picklist(ASSET_TYPES, `must be one of ${ASSET_TYPES.join(", ")}`)),
    jurisdiction: v.optional(text(100)),
    entity_id: v.optional(text(100)),
    currency: v.optional(text(3)),
    active: v.optional(queryBool),
    ...pageQuery,
  }),
  response: { status: 200, schema: AssetPage, description: "One page of holdings, newest first" },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.assets.list({ where, cursor, limit });
  },
});

export const holdingsSummary = route({
  method: "GET",
  path: "/summary",
  summary: "Net equity grouped by type, jurisdiction, entity and currency, in a base currency",
  scope: "read",
  query: v.strictObject({
    base: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "must be a currency code"))),
    fx: v.optional(text(2000)),
  }),
  response: { status: 200, schema: HoldingsSummary },
  errors: [400, 422],
  handler: async ({ query, ctx }) => {
    const o = viewOpts(ctx, query.fx);
    return summarize(ctx, { base: query.base ?? o.base, fx: o.fx });
  },
});

export const getAsset = route({
  method: "GET",
  path: "/:id",
  summary: "Get a holding with its net equity and staleness",
  scope: "read",
  params: IdParams,
  query: v.strictObject({ fx: v.optional(text(2000)) }),
  response: { status: 200, schema: AssetView, description: "The holding (ETag: its revision)" },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) => {
    const asset = await ctx.storage.assets.require(params.id);
    return replyRecord(200, assetView(asset, viewOpts(ctx, query.fx)));
  },
});

export const patchAsset = route({
  method: "PATCH",
  path: "/:id",
  summary: "Change a holding (send If-Match with its ETag; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchAssetBody,
  response: { status: 200, schema: AssetRecord, description: "The changed holding" },
  errors: [400, 404, 412],
  handler: async ({ params, body, ctx, ifRev }) => {
    const patch = Object.fromEntries(Object.entries(body).filter(([, val]) => val !== undefined));
    const asset = await updateAsset(ctx, params.id, patch, { ifRev });
    return replyRecord(200, asset);
  },
});

export const archiveAsset = route({
  method: "POST",
  path: "/:id/archive",
  summary: "Archive a holding (kept, excluded from summaries)",
  scope: "write",
  params: IdParams,
  response: { status: 200, schema: AssetRecord, description: "The archived holding" },
  errors: [404, 412],
  handler: async ({ params, ctx, ifRev }) => {
    const asset = await updateAsset(
      ctx,
      params.id,
      (cur) =>
        Object.assign({}, cur, { active: false, archived_at: cur.archived_at ?? ctx.now().toISOString() }),
      { ifRev },
    );
    return replyRecord(200, asset);
  },
});

export const addValuation = route({
  method: "POST",
  path: "/:id/valuations",
  summary: "Record a valuation (history is kept; the latest by as_of becomes current)",
  scope: "write",
  params: IdParams,
  body: AddValuationBody,
  response: { status: 201, schema: ValuationResponse, description: "The recorded valuation" },
  errors: [400, 404],
  handler: async ({ params, body, ctx }) => {
    await ctx.storage.assets.require(params.id);
    const { amount_minor } = parseMoney(body.amount, body.currency);
    const val = await ctx.storage.valuations.create({
      asset_id: params.id,
      amount_minor,
      currency: body.currency,
      as_of: body.as_of,
      source: body.source,
      confidence: body.confidence,
      notes: body.notes,
    });
    await updateAsset(ctx, params.id, (cur) =>
      cur.valuation && cur.valuation.as_of > val.as_of
        ? cur
        : {
            ...cur,
            valuation: {
              amount_minor,
              currency: val.currency,
              as_of: val.as_of,
              source: val.source,
              confidence: val.confidence,
              valuation_id: val.id,
            },
          },
    );
    return replyRecord(201, val);
  },
});

export const listValuations = route({
  method: "GET",
  path: "/:id/valuations",
  summary: "Valuation history of a holding",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  response: { status: 200, schema: ValuationPage, description: "One page of valuations, newest first" },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.assets.require(params.id);
    return ctx.storage.valuations.list({
      where: { asset_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});

export const addLiability = route({
  method: "POST",
  path: "/:id/liabilities",
  summary: "Record a liability against a holding",
  scope: "write",
  params: IdParams,
  body: AddLiabilityBody,
  response: { status: 201, schema: LiabilityRecord, description: "The recorded liability" },
  errors: [400, 404],
  handler: async ({ params, body, ctx }) => {
    await ctx.storage.assets.require(params.id);
    const { amount_minor } = parseMoney(body.balance, body.currency);
    const liab = await ctx.storage.liabilities.create({
      asset_id: params.id,
      kind: body.kind,
      lender: body.lender,
      balance_minor: amount_minor,
      currency: body.currency,
      as_of: body.as_of,
      notes: body.notes,
    });
    await recordOpeningBalance(ctx, liab);
    await updateAsset(ctx, params.id, (cur) => ({
      ...cur,
      liabilities: {
        ...cur.liabilities,
        [body.currency]: (cur.liabilities[body.currency] ?? 0) + amount_minor,
      },
    }));
    return replyRecord(201, liab);
  },
});

export const listLiabilities = route({
  method: "GET",
  path: "/:id/liabilities",
  summary: "Liabilities of a holding",
  scope: "read",
  params: IdParams,
  query: v.strictObject(pageQuery),
  response: { status: 200, schema: LiabilityPage, description: "One page of liabilities, newest first" },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.assets.require(params.id);
    return ctx.storage.liabilities.list({
      where: { asset_id: params.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});
