/**
 * @module @valhalla/pack-holdings — assets, valuations, liabilities and net equity.
 */
export { holdings, holdings as default } from "./pack.js";
export { type HoldingsApi, holdingsService } from "./refs.js";
export { ASSET_TYPES, type Asset, HoldingsConfig, type Liability, type ValuationRecord } from "./schemas.js";
