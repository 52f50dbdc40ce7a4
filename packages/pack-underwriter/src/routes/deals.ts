import { createId, idParam, ProblemError, reply, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { AttachPropertyResponse, WriteMaoResponse } from "../responses.js";
import { AttachPropertyBody, WriteMaoBody } from "../schemas.js";
import { requireDeal, requireDeals, underwrite } from "../service.js";
import type { UnderwriterContext } from "../storage.js";

const route = routeFor<UnderwriterContext>();
const DealParams = v.object({ dealId: idParam });

export const attachProperty = route({
  method: "POST",
  path: "/deals/:dealId/attach-property",
  summary: "Attach a property to a wholesale deal (503 when wholesale is not installed)",
  scope: "write",
  params: DealParams,
  body: AttachPropertyBody,
  errors: [400, 404, 409, 503],
  response: { status: 200, schema: AttachPropertyResponse },
  handler: async ({ params, body, ctx }) => {
    const deals = requireDeals(ctx);
    const prop = await ctx.storage.properties.require(body.property_id);
    await requireDeal(deals, params.dealId);
    // Claim the property first: the check runs inside the compare-and-set update, so two concurrent
    // attaches to different deals cannot both win.
    const updated =
      prop.deal_id === params.dealId
        ? prop
        : await ctx.storage.properties.update(prop.id, (p) => {
            if (p.deal_id && p.deal_id !== params.dealId) {
              throw new ProblemError(
                409,
                "property-attached",
                `Property '${p.id}' is already attached to deal '${p.deal_id}'`,
                { deal_id: p.deal_id },
              );
            }
            return { ...p, deal_id: params.dealId };
          });
    let deal: unknown;
    try {
      const a = updated.address;
      deal = await deals.attachProperty(params.dealId, {
        property_id: updated.id,
        address: [a.street, a.unit, a.city, a.region].filter(Boolean).join(", "),
        zip: a.postal_code,
        property_type: updated.type,
        arv_minor: updated.intel.arv?.amount_minor ?? null,
        repair_estimate_minor: updated.intel.repairs_total_minor,
      });
    } catch (err) {
      if (prop.deal_id === params.dealId) throw err;
      // Wholesale refused: release the claim so the property is not left pointing at the deal.
      await ctx.storage.properties.update(updated.id, (p) =>
        p.deal_id === params.dealId ? { ...p, deal_id: null } : p,
      );
      throw err;
    }
    return reply(200, { deal_id: params.dealId, property: updated, deal }, { etag: `"${updated.rev}"` });
  },
});

export const writeMao = route({
  method: "POST",
  path: "/deals/:dealId/write-mao",
  summary: "Compute MAO (mao or brrrr) from the deal's property and store it on the wholesale deal",
  description:
    "Uses the property attached to the deal (or `property_id`). The run is stored here and the figure is recorded on the deal through wholesale's deals service, which versions it.",
  scope: "write",
  params: DealParams,
  body: WriteMaoBody,
  response: { status: 201, schema: WriteMaoResponse },
  errors: [400, 404, 409, 422, 503],
  handler: async ({ params, body, ctx }) => {
    const deals = requireDeals(ctx);
    await requireDeal(deals, params.dealId);
    const prop = body.property_id
      ? await ctx.storage.properties.require(body.property_id)
      : (await ctx.storage.properties.list({ where: { deal_id: params.dealId }, limit: 1 })).items[0];
    if (!prop) {
      throw new ProblemError(
        409,
        "no-property-attached",
        `Deal '${params.dealId}' has no attached property; attach one or pass 'property_id'`,
        {
          errors: [
            {
              pointer: "/body/property_id",
              field: "property_id",
              message: "is required when no property is attached",
            },
          ],
        },
      );
    }
    const { property_id: _p, ...calc } = body;
    const result = underwrite(prop, calc);
    const outputs = result.outputs as { mao_minor?: number; max_offer_minor?: number };
    const mao = body.mode === "mao" ? outputs.mao_minor! : outputs.max_offer_minor!;
    const arv = result.inputs.arv_minor as number;
    // The run id is fixed before the deal is written so the deal's record can point back at it.
    const runId = createId("uw");
    const recorded = await deals.recordUnderwriting(params.dealId, {
      mao_minor: mao,
      currency: prop.currency,
      model: body.mode,
      inputs: { arv_minor: arv, property_id: prop.id, run_id: runId },
      source: `underwriter:${body.mode}:${runId}`,
    });
    const run = await ctx.storage.runs.create(
      { property_id: prop.id, deal_id: params.dealId, mode: body.mode, currency: prop.currency, ...result },
      { id: runId },
    );
    return reply(
      201,
      { run, mao_minor: mao, currency: prop.currency, deal: recorded },
      { location: `/underwriter/properties/${prop.id}/runs` },
    );
  },
});
