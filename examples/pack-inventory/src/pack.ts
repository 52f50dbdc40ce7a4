import { definePack } from "@valhalla/runtime";
import { lowStock, lowStockJob } from "./jobs/low-stock.js";
import { inventoryPage } from "./pages.js";
import * as items from "./routes/items.js";
import * as shopping from "./routes/shopping.js";
import { InventoryConfig } from "./schemas.js";
import { configOf } from "./service.js";
import { storage } from "./storage.js";

/** House inventory: items, quantities, low-stock thresholds and a shopping list. */
export const inventory = definePack({
  code: "inventory",
  version: "1.0.0",
  description: "House inventory: items, quantities, low-stock thresholds and a shopping list",
  storage,
  configSchema: InventoryConfig,
  // Static paths before `/:id` so `/low` and `/shopping` are never read as ids.
  routes: [
    items.createItem,
    items.listItems,
    items.listLowItems,
    shopping.listShopping,
    shopping.pushShopping,
    shopping.boughtShopping,
    items.getItem,
    items.patchItem,
    items.adjustItem,
    items.deleteItem,
  ],
  pages: [inventoryPage],
  jobs: [lowStockJob],
  validate: (ctx) => {
    try {
      configOf(ctx);
      return [];
    } catch (err) {
      return [
        {
          severity: "error",
          code: "E_INVENTORY_CONFIG",
          message: `Invalid inventory config: ${err instanceof Error ? err.message : String(err)}`,
          hint: "Fix config.inventory (auto_push must be true or false).",
        },
      ];
    }
  },
  brief: async (ctx) => ({
    title: "Inventory",
    items: [
      { label: "Items", value: await ctx.storage.items.count() },
      { label: "Low on stock", value: await ctx.storage.items.count({ low: true }), href: "/inventory/low" },
      {
        label: "Open shopping entries",
        value: await ctx.storage.shopping.count({ status: "open" }),
        href: "/inventory/shopping?status=open",
      },
    ],
  }),
  daily: lowStock,
  migrations: [],
});
