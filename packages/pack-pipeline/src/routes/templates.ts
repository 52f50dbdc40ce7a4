import { idParam, pageQuery, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { assertMergeFields, MERGE_FIELDS } from "../merge-fields.js";
import { PreviewResponse, TemplateResponse, TemplatesPage } from "../responses.js";
import {
  CHANNELS,
  CreateTemplateBody,
  PatchTemplateBody,
  PreviewTemplateBody,
  type Template,
} from "../schemas.js";
import { moneyField, renderDraft, requireDeal } from "../service.js";
import type { PipelineContext } from "../storage.js";

const route = routeFor<PipelineContext>();
const IdParams = v.object({ id: idParam });

export const createTemplate = route({
  method: "POST",
  path: "/templates",
  summary: "Save a message template (unknown merge fields are rejected)",
  scope: "write",
  body: CreateTemplateBody,
  response: { status: 201, schema: TemplateResponse },
  errors: [400],
  handler: async ({ body, ctx }) => {
    assertMergeFields({ subject: body.subject, body: body.body });
    const tpl = await ctx.storage.templates.create(body);
    return replyRecord(201, tpl, { location: `/pipeline/templates/${tpl.id}` });
  },
});

export const listTemplates = route({
  method: "GET",
  path: "/templates",
  summary: "List templates (filter: channel)",
  scope: "read",
  query: v.strictObject({
    channel: v.optional(v.picklist(CHANNELS, `must be one of ${CHANNELS.join(", ")}`)),
    ...pageQuery,
  }),
  response: { status: 200, schema: TemplatesPage },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, channel } = query;
    return ctx.storage.templates.list({ where: { channel }, cursor, limit, order: "asc" });
  },
});

export const mergeFields = route({
  method: "GET",
  path: "/templates/merge_fields",
  summary: "Merge fields a template may use",
  scope: "read",
  response: { status: 200, schema: v.object({ fields: v.array(v.string()) }) },
  errors: [],
  handler: () => ({ fields: Object.keys(MERGE_FIELDS) }),
});

export const getTemplate = route({
  method: "GET",
  path: "/templates/:id",
  summary: "Get a template",
  scope: "read",
  params: IdParams,
  errors: [404],
  response: { status: 200, schema: TemplateResponse },
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.templates.require(params.id)),
});

export const patchTemplate = route({
  method: "PATCH",
  path: "/templates/:id",
  summary: "Change a template (If-Match supported)",
  scope: "write",
  params: IdParams,
  body: PatchTemplateBody,
  errors: [400, 404, 412],
  response: { status: 200, schema: TemplateResponse },
  handler: async ({ params, body, ctx, ifRev }) => {
    assertMergeFields({ subject: body.subject, body: body.body });
    const tpl = await ctx.storage.templates.update(params.id, body as Partial<Template>, { ifRev });
    return replyRecord(200, tpl);
  },
});

export const previewTemplate = route({
  method: "POST",
  path: "/templates/:id/preview",
  summary: "Render a template with a deal, the sender profile and an optional offer; stores nothing",
  description:
    "Fills the template exactly as a run would (`offer_price` stands for the offer a run would be given) and lists known merge fields that had no value. Nothing is stored and no follow-up is created.",
  scope: "read",
  params: IdParams,
  body: PreviewTemplateBody,
  response: { status: 200, schema: PreviewResponse },
  errors: [400, 404],
  handler: async ({ params, body, ctx }) => {
    const tpl = await ctx.storage.templates.require(params.id);
    const deal = await requireDeal(ctx, body.deal_id);
    const offer =
      body.offer_price === undefined
        ? null
        : moneyField("offer_price", body.offer_price, deal.currency ?? "USD");
    return {
      template_id: tpl.id,
      deal_id: deal.id,
      channel: tpl.channel,
      tone: tpl.tone,
      ...renderDraft(ctx, deal, tpl, offer),
    };
  },
});
