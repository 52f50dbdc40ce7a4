import { packSuite } from "@valhalla/runtime/testing";
import { holdings } from "../src/index.js";

packSuite({
  pack: holdings,
  config: { base_currency: "USD", fx_rates: { EUR: "1.10" } },
  samples: {
    assets: {
      type: "property",
      label: "Duplex on Elm",
      internal_ref: null,
      jurisdiction: "US-TX",
      entity_name: null,
      entity_id: null,
      currency: "USD",
      notes: null,
      active: true,
      archived_at: null,
      valuation: null,
      liabilities: {},
    },
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
