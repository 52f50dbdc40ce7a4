import type { MigrationDef } from "@valhalla/runtime";
import { rebuildEstimateIndex } from "../estimate.js";
import type { BillsContext } from "../storage.js";

/**
 * Estimates used to be built in each process from every active bill. Give every bill
 * its estimate index keys and store the estimate aggregates, once, so no process reads every bill
 * for an estimate again.
 */
export const estimateIndex: MigrationDef<BillsContext> = {
  version: 3,
  name: "estimate-index",
  up: rebuildEstimateIndex,
};
