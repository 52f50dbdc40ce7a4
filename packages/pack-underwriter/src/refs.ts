import { serviceRef } from "@valhalla/runtime";
import type { RiskReport } from "./risk-score.js";

/** What underwriter offers other packs; import from `@valhalla/pack-underwriter/refs`. @public */
export interface UnderwriterApi {
  /** A property's address, type and current ARV, or `null` when unknown. */
  getProperty(id: string): Promise<{
    id: string;
    address: { street: string; city: string; region: string; postal_code: string; country: string };
    type: string;
    currency: string;
    arv_minor: number | null;
    deal_id: string | null;
  } | null>;
  /** The explainable risk score of a property, or `null` when unknown. */
  risk(id: string): Promise<RiskReport | null>;
}

/** Ref to the underwriter service. @public */
export const underwriterService = serviceRef<UnderwriterApi>({
  pack: "underwriter",
  id: "underwriter",
  version: ">=0.1.0 <1.0.0",
});

export type { RiskFactor, RiskReport } from "./risk-score.js";
