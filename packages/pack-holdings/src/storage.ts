import { collection, type PackContext } from "@valhalla/runtime";
import { Asset, Liability, ValuationRecord } from "./schemas.js";

/** Namespaces of the holdings pack. */
export const storage = {
  assets: collection({
    prefix: "asset",
    schema: Asset,
    indexes: ["type", "jurisdiction", "entity_id", "currency", "active"],
  }),
  valuations: collection({ prefix: "val", schema: ValuationRecord, indexes: ["asset_id"] }),
  liabilities: collection({ prefix: "liab", schema: Liability, indexes: ["asset_id"] }),
};

/** The holdings pack's context. */
export type HoldingsContext = PackContext<typeof storage, {}>;
