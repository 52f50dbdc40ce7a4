import {
  idParam,
  ProblemError,
  pageQuery,
  principalLabel,
  replyRecord,
  routeFor,
  text,
} from "@valhalla/runtime";
import * as v from "valibot";
import { createDeal, patchDeal, pipelineSummary, transitionDeal } from "../deals-api.js";
import {
  CreateDealBody,
  DealPage,
  DealRecord,
  PartnerBoard,
  PatchDealBody,
  PipelineSummary,
  STAGES,
  StageBody,
} from "../schemas.js";
import { boardView } from "../service.js";
import type { WholesaleContext } from "../storage.js";

const route = routeFor<WholesaleContext>();
const IdParams = v.object({ id: idParam });
const stage = v.picklist(STAGES, `must be one of ${STAGES.join(", ")}`);

export const createDealRoute = route({
  method: "POST",
  path: "/",
  summary: "Create a deal (starts at 'lead'; money as decimal strings in the deal's currency)",
  scope: "write",
  body: CreateDealBody,
  response: { status: 201, schema: DealRecord, description: "The new deal, at 'lead'" },
  errors: [400],
  handler: async ({ body, ctx, principal }) => {
    const deal = await createDeal(ctx, body, principalLabel(principal));
    return replyRecord(201, deal, { location: `/wholesale/${deal.id}` });
  },
});

export const listDeals = route({
  method: "GET",
  path: "/",
  summary: "List deals (filters: stage, lead_source, partner_id; cursor pagination)",
  scope: "read",
  query: v.strictObject({
    stage: v.optional(stage),
    lead_source: v.optional(text(100)),
    partner_id: v.optional(text(100)),
    ...pageQuery,
  }),
  response: { status: 200, schema: DealPage, description: "One page of deals, newest first" },
  errors: [400],
  handler: async ({ query, ctx }) => {
    const { cursor, limit, ...where } = query;
    return ctx.storage.deals.list({ where, cursor, limit });
  },
});

export const dealsSummary = route({
  method: "GET",
  path: "/summary",
  summary: "Pipeline summary: deals per stage and total expected spread of open deals",
  scope: "read",
  response: { status: 200, schema: PipelineSummary },
  errors: [],
  handler: ({ ctx }) => pipelineSummary(ctx),
});

export const partnerBoard = route({
  method: "GET",
  path: "/board",
  summary: "JV partner board: one partner's deals with partner-visible fields only",
  description:
    "With a share token the partner is the token's subject and `partner_id` is ignored; otherwise `partner_id` is required.",
  scope: "read",
  shareScope: "jv_board",
  query: v.strictObject({ partner_id: v.optional(text(100)), ...pageQuery }),
  response: { status: 200, schema: PartnerBoard, description: "One page of the partner's deals" },
  errors: [400],
  handler: async ({ query, ctx, principal }) => {
    // A share token is bound to one partner: its subject wins over any query.
    const partner = principal.kind === "share" ? principal.subject : query.partner_id;
    if (!partner) {
      throw new ProblemError(400, "validation-failed", "Invalid query: 'partner_id' is required", {
        errors: [{ pointer: "/query/partner_id", field: "partner_id", message: "is required" }],
      });
    }
    const page = await ctx.storage.deals.list({
      where: { partner_id: partner },
      cursor: query.cursor,
      limit: query.limit,
    });
    return { partner_id: partner, items: page.items.map(boardView), next_cursor: page.next_cursor };
  },
});

export const getDeal = route({
  method: "GET",
  path: "/:id",
  summary: "Get a deal",
  scope: "read",
  params: IdParams,
  response: { status: 200, schema: DealRecord, description: "The deal (ETag: its revision)" },
  errors: [404],
  handler: async ({ params, ctx }) => replyRecord(200, await ctx.storage.deals.require(params.id)),
});

export const patchDealRoute = route({
  method: "PATCH",
  path: "/:id",
  summary: "Change a deal's fields (send If-Match with its ETag; 412 when stale)",
  scope: "write",
  params: IdParams,
  body: PatchDealBody,
  response: { status: 200, schema: DealRecord, description: "The changed deal" },
  errors: [400, 404, 412],
  handler: async ({ params, body, ctx, ifRev }) =>
    replyRecord(200, await patchDeal(ctx, params.id, body, ifRev)),
});

export const moveStage = route({
  method: "POST",
  path: "/:id/stage",
  summary: "Move a deal to another stage (409 naming the allowed stages; 'dead' needs a reason)",
  scope: "write",
  params: IdParams,
  body: StageBody,
  response: { status: 200, schema: DealRecord, description: "The deal at its new stage" },
  errors: [400, 404, 409, 412],
  handler: async ({ params, body, ctx, principal, ifRev }) => {
    const deal = await transitionDeal(ctx, params.id, body.to, {
      reason: body.reason,
      actor: principalLabel(principal),
      ifRev,
    });
    return replyRecord(200, deal);
  },
});
