import { packSuite } from "@valhalla/runtime/testing";
import { inventory } from "../src/index.js";

packSuite({
  pack: inventory,
  config: { auto_push: true },
  samples: {
    items: {
      name: "Paper towels",
      quantity: 2,
      unit: "rolls",
      low_threshold: 3,
      restock_to: 12,
      location: "garage",
      low: true,
    },
    shopping: {
      item_id: "item_1",
      name: "Paper towels",
      quantity: 10,
      unit: "rolls",
      status: "open",
      added_on: "2025-03-01",
    },
  },
});
