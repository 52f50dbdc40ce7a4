import { definePack } from "@valhalla/runtime";
import { version } from "../package.json";
import { sharedPropertyTypes } from "./migrations/001-shared-property-types.js";
import { underwriterService } from "./refs.js";
import * as calculate from "./routes/calculate.js";
import * as deals from "./routes/deals.js";
import * as properties from "./routes/properties.js";
import * as underwriting from "./routes/underwriting.js";
import { propertyRisk, propertySummary } from "./service.js";
import { requires, storage } from "./storage.js";

/** Underwriter: properties with intel, MAO/BRRRR/rental/break-even math, risk, and deal linking. */
export const underwriter = definePack({
  code: "underwriter",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description:
    "Properties with ARV, repairs, rent and risk intel; MAO, BRRRR, rental and break-even underwriting",
  // Optional: without wholesale the pack starts and only the deal-linking routes answer 503.
  requires,
  provides: [underwriterService],
  services: (ctx) => ({
    underwriter: {
      async getProperty(id: string) {
        const p = await ctx.storage.properties.get(id);
        return p ? propertySummary(p) : null;
      },
      async risk(id: string) {
        const p = await ctx.storage.properties.get(id);
        return p ? propertyRisk(ctx, p) : null;
      },
    },
  }),
  storage,
  routes: [
    properties.createProperty,
    properties.listProperties,
    properties.getProperty,
    properties.patchProperty,
    properties.deleteProperty,
    properties.setArv,
    properties.listArv,
    underwriting.underwriteProperty,
    underwriting.listRuns,
    underwriting.propertyRiskRoute,
    calculate.calculateAmortization,
    calculate.calculateFlip,
    calculate.calculateArvComps,
    calculate.calculateMao,
    calculate.calculateRental,
    deals.attachProperty,
    deals.writeMao,
  ],
  brief: async (ctx) => {
    const total = await ctx.storage.properties.count();
    const runs = await ctx.storage.runs.count();
    return {
      title: "Underwriting",
      items: [
        { label: "Properties", value: total },
        { label: "Underwriting runs", value: runs },
        { label: "Wholesale linked", value: ctx.deps.deals ? "yes" : "no (wholesale not installed)" },
      ],
    };
  },
  migrations: [sharedPropertyTypes],
});
