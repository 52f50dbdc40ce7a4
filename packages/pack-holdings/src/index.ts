/**
 * @module @valhalla/pack-holdings — assets, valuations, liabilities and net equity.
 */
export { holdings, holdings as default } from "./pack.js";
export { type HoldingsApi, holdingsService } from "./refs.js";
export {
  ASSET_TYPES,
  type Asset,
  HoldingsConfig,
  type Liability,
  type SumGroup,
  type SummarySums,
  type ValuationRecord,
} from "./schemas.js";
export { cloneSums, emptySums, foldSummary, NEVER_VALUED, SUMS_ID, valuedOn } from "./summary-index.js";
