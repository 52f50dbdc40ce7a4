import { serviceRef } from "@valhalla/runtime";

/** Read-only view of holdings other packs may use. */
export interface HoldingsApi {
  /** Net equity of all active holdings in the base currency (throws when a rate is missing). */
  netEquity(): Promise<{ base_currency: string; equity_minor: number; count: number }>;
}

/** Ref to the holdings service; import from `@valhalla/pack-holdings/refs`. */
export const holdingsService = serviceRef<HoldingsApi>({
  pack: "holdings",
  id: "holdings",
  version: ">=0.1.0 <1.0.0",
});
