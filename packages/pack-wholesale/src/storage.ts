import { collection, type PackContext } from "@valhalla/runtime";
import { Activity, Deal } from "./schemas.js";

/** Namespaces of the wholesale pack. */
export const storage = {
  deals: collection({
    prefix: "deal",
    schema: Deal,
    indexes: ["stage", "lead_source", "partner_id", "property_id"],
  }),
  activities: collection({ prefix: "act", schema: Activity, indexes: ["deal_id"] }),
};

/** The wholesale pack's context. */
export type WholesaleContext = PackContext<typeof storage, Record<string, never>>;
