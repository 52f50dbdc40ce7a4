import { collection, type PackContext } from "@valhalla/runtime";
import { Item, ShoppingEntry } from "./schemas.js";

/** Namespaces of the inventory pack. */
export const storage = {
  items: collection({ prefix: "item", schema: Item, indexes: ["location", "low"] }),
  shopping: collection({ prefix: "shop", schema: ShoppingEntry, indexes: ["item_id", "status"] }),
};

/** The inventory pack's context. */
export type InventoryContext = PackContext<typeof storage, {}>;
