import { describe, expect, it } from "vitest";
import * as pkg from "../src/index.js";
import * as refs from "../src/refs.js";

describe("@valhalla/pack-underwriter exports", () => {
  it("should expose exactly this runtime surface", () => {
    expect(Object.keys(pkg).sort()).toEqual([
      "ARV_DELTAS_PCT",
      "CONDITIONS",
      "MODES",
      "PROPERTY_TYPES",
      "REPAIRS_DELTAS_PCT",
      "RISK_WEIGHTS",
      "ROUNDING_NOTE",
      "amortizationSchedule",
      "amortizedPayment",
      "arvFromComps",
      "breakEven",
      "brrrr",
      "dealsService",
      "default",
      "flip",
      "optionalDealsService",
      "parseRate",
      "ratioBps",
      "ratioFixed",
      "rental",
      "riskScore",
      "roundDiv",
      "underwriter",
      "underwriterService",
      "wholesaleMao",
    ]);
    expect(Object.keys(refs).sort()).toEqual(["underwriterService"]);
  });

  it("should declare wholesale's deals as an optional 0.x requirement", () => {
    expect(pkg.underwriter.requires).toEqual({ deals: pkg.optionalDealsService });
    expect(pkg.optionalDealsService.optional).toBe(true);
    expect(String(pkg.optionalDealsService)).toBe("serviceRef{wholesale.deals}");
    expect(pkg.optionalDealsService.version).toBe(">=0.1.0 <1.0.0");
  });
});
