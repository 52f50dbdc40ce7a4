import { collection, type PackContext } from "@valhalla/runtime";
import { Asset, Liability, SummaryMeta, ValuationRecord } from "./schemas.js";

/** Namespaces of the holdings pack. */
export const storage = {
  assets: collection({
    prefix: "asset",
    schema: Asset,
    indexes: ["type", "jurisdiction", "entity_id", "currency", "active"],
  }),
  valuations: collection({ prefix: "val", schema: ValuationRecord, indexes: ["asset_id"] }),
  liabilities: collection({ prefix: "liab", schema: Liability, indexes: ["asset_id"] }),
  /** Summary cache: records `gen` (bumped after every holding write) and `summary`. */
  meta: collection({ prefix: "hmeta", schema: SummaryMeta }),
};

/** The holdings pack's context. */
export type HoldingsContext = PackContext<typeof storage, {}>;
