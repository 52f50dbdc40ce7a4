import type { MigrationDef } from "@valhalla/runtime";
import type { HoldingsContext } from "../storage.js";
import { rebuildSummaryIndex } from "../summary-index.js";

/**
 * The summary used to be cached whole and recomputed from every holding after any write. Give
 * every holding its `valued_on` index and store the summary's sums once, so no request reads every
 * holding again; the old cache records go.
 */
export const summaryIndex: MigrationDef<HoldingsContext> = {
  version: 1,
  name: "summary-index",
  async up(ctx) {
    for (const id of ["gen", "summary"]) await ctx.storage.meta.delete(id);
    await rebuildSummaryIndex(ctx);
  },
};
