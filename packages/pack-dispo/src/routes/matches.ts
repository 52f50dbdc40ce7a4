import { idParam, queryInt, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { matchDeal } from "../assignments.js";
import { DealMatches } from "../schemas.js";
import type { DispoContext } from "../storage.js";

const route = routeFor<DispoContext>();

export const dealMatches = route({
  method: "GET",
  path: "/deals/:dealId/matches",
  summary: "Rank active buyers for a deal, 0–100, with the reason behind every point",
  description:
    "Factors: location 30, budget 25, type 15, funding 15, proof of funds 15. Inactive buyers and buyers whose proof of funds expired before today (host time zone) are left out.",
  scope: "read",
  params: v.object({ dealId: idParam }),
  query: v.strictObject({ min_score: v.optional(queryInt(0, 100)), limit: v.optional(queryInt(1, 200)) }),
  response: { status: 200, schema: DealMatches, description: "Active buyers ranked by score, best first" },
  errors: [400, 404],
  handler: ({ params, query, ctx }) =>
    matchDeal(ctx, params.dealId, {
      ...(query.min_score !== undefined ? { minScore: query.min_score } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    }),
});
