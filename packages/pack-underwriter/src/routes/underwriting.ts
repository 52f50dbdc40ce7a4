import { idParam, pageQuery, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { RiskResponse, RunsPage } from "../responses.js";
import { MODES, UnderwriteBody, UnderwritingRunResponse } from "../schemas.js";
import { propertyRisk, underwrite } from "../service.js";
import type { UnderwriterContext } from "../storage.js";

const route = routeFor<UnderwriterContext>();
const IdParams = v.object({ id: idParam });

export const underwriteProperty = route({
  method: "POST",
  path: "/properties/:id/underwrite",
  summary: "Underwrite a property by mode (mao, brrrr, rental, breakeven); the run is stored",
  description:
    "Reads ARV, repairs and rent from the property's intel unless the body overrides them; answers 422 naming the field when a needed figure is missing. Monthly amounts are named by their period (`rent_monthly`, `other_income_monthly`, `operating_expenses_monthly`); the old names `rent`, `other_income`, `operating_expenses` are deprecated aliases.",
  scope: "write",
  params: IdParams,
  body: UnderwriteBody,
  response: { status: 201, schema: UnderwritingRunResponse },
  errors: [400, 404, 422],
  handler: async ({ params, body, ctx }) => {
    const prop = await ctx.storage.properties.require(params.id);
    const result = underwrite(prop, body);
    const run = await ctx.storage.runs.create({
      property_id: prop.id,
      deal_id: prop.deal_id,
      mode: body.mode,
      currency: prop.currency,
      ...result,
    });
    return replyRecord(201, run, { location: `/underwriter/properties/${prop.id}/runs` });
  },
});

export const listRuns = route({
  method: "GET",
  path: "/properties/:id/runs",
  summary: "Underwriting run history of a property, newest first (filter: mode)",
  scope: "read",
  params: IdParams,
  query: v.strictObject({
    mode: v.optional(v.picklist(MODES, `must be one of ${MODES.join(", ")}`)),
    ...pageQuery,
  }),
  errors: [400, 404],
  response: { status: 200, schema: RunsPage },
  handler: async ({ params, query, ctx }) => {
    await ctx.storage.properties.require(params.id);
    const { cursor, limit, mode } = query;
    return ctx.storage.runs.list({ where: { property_id: params.id, mode }, cursor, limit });
  },
});

export const propertyRiskRoute = route({
  method: "GET",
  path: "/properties/:id/risk",
  summary: "Explainable risk score 0–100 with every factor's points and warnings",
  scope: "read",
  params: IdParams,
  errors: [404],
  response: { status: 200, schema: RiskResponse },
  handler: async ({ params, ctx }) => {
    const prop = await ctx.storage.properties.require(params.id);
    return { property_id: prop.id, ...propertyRisk(ctx, prop) };
  },
});
