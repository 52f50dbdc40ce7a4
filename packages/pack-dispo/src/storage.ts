import { dealsService } from "@valhalla/pack-wholesale/refs";
import { collection, type PackContext } from "@valhalla/runtime";
import { Assignment, Buyer } from "./schemas.js";

/** Namespaces of the dispo pack. */
export const storage = {
  buyers: collection({ prefix: "buyer", schema: Buyer, indexes: ["active"] }),
  assignments: collection({
    prefix: "asg",
    schema: Assignment,
    indexes: ["deal_id", "buyer_id", "status"],
  }),
};

/** What dispo requires: wholesale's deals service. */
export const requires = { deals: dealsService };

/** The dispo pack's context. */
export type DispoContext = PackContext<typeof storage, typeof requires>;
