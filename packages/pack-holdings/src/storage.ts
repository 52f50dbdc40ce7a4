import { collection, type PackContext } from "@valhalla/runtime";
import {
  Asset,
  FxRate,
  Liability,
  LiabilityBalance,
  SummaryMeta,
  SummarySums,
  ValuationRecord,
} from "./schemas.js";

/** Namespaces of the holdings pack. */
export const storage = {
  assets: collection({
    prefix: "asset",
    schema: Asset,
    indexes: ["type", "jurisdiction", "entity_id", "currency", "active", "valued_on"],
  }),
  valuations: collection({ prefix: "val", schema: ValuationRecord, indexes: ["asset_id"] }),
  liabilities: collection({ prefix: "liab", schema: Liability, indexes: ["asset_id"] }),
  /** Balance history of each liability (the liability record holds the latest). */
  liability_balances: collection({
    prefix: "lbal",
    schema: LiabilityBalance,
    indexes: ["liability_id", "asset_id"],
  }),
  /** Dated FX rates for the net worth history (`fx_<CUR>_<BASE>_<date>`). */
  fx_rates: collection({ prefix: "fx", schema: FxRate, indexes: ["currency", "base"] }),
  /** The summary's sums, kept by every holding write (one record, `sums`; see summary-index.ts). */
  sums: collection({ prefix: "hsum", schema: SummarySums }),
  /** The summary cache of earlier versions (`gen`, `summary`): emptied by migration 1, then unused. */
  meta: collection({ prefix: "hmeta", schema: SummaryMeta }),
};

/** The holdings pack's context. */
export type HoldingsContext = PackContext<typeof storage, {}>;
