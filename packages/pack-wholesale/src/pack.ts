import { definePack } from "@valhalla/runtime";
import { version } from "../package.json";
import { makeDealsApi, pipelineSummary } from "./deals-api.js";
import { dealPage, dealsPage, partnerPage } from "./pages.js";
import { dealsService } from "./refs.js";
import * as activities from "./routes/activities.js";
import * as deals from "./routes/deals.js";
import { storage } from "./storage.js";

/** Wholesale: the deal pipeline lead → offer → contract → assignment → closed. */
export const wholesale = definePack({
  code: "wholesale",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description:
    "Wholesale deal pipeline: lead → offer → contract → assignment → closed, activity log, JV board",
  provides: [dealsService],
  services: (ctx) => ({ deals: makeDealsApi(ctx) }),
  storage,
  // Static paths before `/:id` so `/summary` and `/board` are never read as ids.
  routes: [
    deals.createDealRoute,
    deals.listDeals,
    deals.dealsSummary,
    deals.partnerBoard,
    deals.getDeal,
    deals.patchDealRoute,
    deals.moveStage,
    activities.addActivity,
    activities.listActivities,
  ],
  // The partner board before `/:id`, so `partner` is never read as a deal id.
  pages: [dealsPage, partnerPage, dealPage],
  brief: async (ctx) => {
    const s = await pipelineSummary(ctx);
    return {
      title: "Wholesale deals",
      items: Object.entries(s.stages)
        .filter(([, g]) => g.count > 0)
        .map(([stage, g]) => ({ label: `Deals at '${stage}'`, value: g.count })),
      data: s,
    };
  },
  migrations: [],
});
