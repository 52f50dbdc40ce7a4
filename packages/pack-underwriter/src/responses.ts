import { pageOf, stored } from "@valhalla/runtime";
import * as v from "valibot";
import { ArvRecord, Property, UnderwritingRunResponse } from "./schemas.js";

// Success bodies of the property, ARV, risk and deal routes, for the API reference (OpenAPI).

/** A stored property. */
export const PropertyResponse = stored(Property);

/** GET /underwriter/properties response. */
export const PropertiesPage = pageOf(PropertyResponse);

/** A stored ARV entry. */
export const ArvResponse = stored(ArvRecord);

/** POST /underwriter/properties/:id/arv response: the entry, and whether it became the current ARV. */
export const SetArvResponse = v.object({ ...ArvResponse.entries, current: v.boolean() });

/** GET /underwriter/properties/:id/arv response, newest first. */
export const ArvPage = pageOf(ArvResponse);

/** GET /underwriter/properties/:id/runs response, newest first. */
export const RunsPage = pageOf(UnderwritingRunResponse);

/** GET /underwriter/properties/:id/risk response: 0 (low risk) to 100 (high), factor by factor. */
export const RiskResponse = v.object({
  property_id: v.string(),
  model: v.literal("risk_v1"),
  score: v.number(),
  level: v.picklist(["low", "medium", "high"]),
  factors: v.array(
    v.object({
      factor: v.picklist(["neighborhood", "repairs_to_arv", "legal_flags", "arv_freshness", "rent_data"]),
      points: v.number(),
      max_points: v.number(),
      detail: v.string(),
    }),
  ),
  warnings: v.array(v.string()),
});

/** The wholesale deal as the wholesale pack's deals service returns it (its own reference has the fields). */
const Deal = v.looseObject({ id: v.string() });

/** POST /underwriter/deals/:dealId/attach-property response. */
export const AttachPropertyResponse = v.object({
  deal_id: v.string(),
  property: PropertyResponse,
  deal: Deal,
});

/** POST /underwriter/deals/:dealId/write-mao response: the stored run and the figure recorded on the deal. */
export const WriteMaoResponse = v.object({
  run: UnderwritingRunResponse,
  mao_minor: v.number(),
  currency: v.string(),
  deal: v.looseObject({}),
});
