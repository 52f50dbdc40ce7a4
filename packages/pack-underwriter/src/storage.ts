import { collection, type PackContext } from "@valhalla/runtime";
import { optionalDealsService } from "./deals-contract.js";
import { ArvRecord, Property, UnderwritingRun } from "./schemas.js";

/** Namespaces of the underwriter pack. */
export const storage = {
  properties: collection({ prefix: "prop", schema: Property, indexes: ["type", "deal_id"] }),
  /** ARV history, one record per manual set; the property keeps only the latest. */
  arv_history: collection({ prefix: "arv", schema: ArvRecord, indexes: ["property_id"] }),
  runs: collection({ prefix: "uw", schema: UnderwritingRun, indexes: ["property_id", "deal_id", "mode"] }),
};

/** What underwriter requires: wholesale's deals, optionally. */
export const requires = { deals: optionalDealsService };

/** The underwriter pack's context. */
export type UnderwriterContext = PackContext<typeof storage, typeof requires>;
