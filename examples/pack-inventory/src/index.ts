/**
 * @module @valhalla-examples/pack-inventory — a third-party pack: house inventory with low-stock
 * thresholds and a shopping list, written only against `@valhalla/runtime`.
 */
export { lowStock, lowStockJob } from "./jobs/low-stock.js";
export { inventory, inventory as default } from "./pack.js";
export { InventoryConfig, type Item, type ShoppingEntry } from "./schemas.js";
export { type PushResult, pushLowItems, restockAmount } from "./service.js";
export type { InventoryContext } from "./storage.js";
