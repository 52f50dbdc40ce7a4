import { packSuite } from "@valhalla/runtime/testing";
import { holdings } from "../src/index.js";
import { storedHolding } from "./helpers.js";

packSuite({
  pack: holdings,
  config: { base_currency: "USD", fx_rates: { EUR: "1.10" } },
  samples: {
    assets: storedHolding({ type: "property", label: "Duplex on Elm", jurisdiction: "US-TX" }),
    valuations: {
      asset_id: "asset_1",
      amount_minor: 25_000_000,
      currency: "USD",
      as_of: "2025-01-31",
      source: "broker opinion",
      confidence: "medium",
      notes: null,
    },
  },
});
