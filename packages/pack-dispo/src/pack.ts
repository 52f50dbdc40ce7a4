import { definePack } from "@valhalla/runtime";
import { version } from "../package.json";
import { makeDispoApi } from "./assignments.js";
import { dispoService } from "./refs.js";
import * as assignments from "./routes/assignments.js";
import * as buyers from "./routes/buyers.js";
import * as matches from "./routes/matches.js";
import { requires, storage } from "./storage.js";

/** Dispo: buyers and their buy boxes, deal matching, assignments with a backup queue. */
export const dispo = definePack({
  code: "dispo",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description: "Buyer profiles with buy boxes, deal-to-buyer matching, assignments with a backup queue",
  requires,
  provides: [dispoService],
  services: (ctx) => ({ buyers: makeDispoApi(ctx) }),
  storage,
  // The per-deal lock keeps one live assignment and an ordered queue; replicas must share it.
  needsClusterLocks: true,
  routes: [
    buyers.createBuyer,
    buyers.listBuyers,
    buyers.getBuyer,
    buyers.patchBuyerRoute,
    buyers.deleteBuyer,
    assignments.createAssignmentRoute,
    assignments.patchAssignment,
    assignments.assignmentsForDeal,
    matches.dealMatches,
  ],
  brief: async (ctx) => ({
    title: "Dispo",
    items: [
      { label: "Active buyers", value: await ctx.storage.buyers.count({ active: true }) },
      { label: "Open offers", value: await ctx.storage.assignments.count({ status: "offered" }) },
      {
        label: "Assigned, awaiting close",
        value: await ctx.storage.assignments.count({ status: "assigned" }),
      },
    ],
  }),
  migrations: [],
});
