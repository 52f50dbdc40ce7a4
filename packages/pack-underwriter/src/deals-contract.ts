import { serviceRef } from "@valhalla/runtime";
import type { PropertyType } from "./schemas.js";

/**
 * The part of wholesale's `deals` service this pack calls. It MUST match the `DealsApi` exported by
 * `@valhalla/pack-wholesale/refs` (the lead reconciles the two when both packs are merged); we keep a
 * local copy so underwriter builds and runs without wholesale installed.
 * @public
 */
export interface DealsApi {
  /** The deal, or `null` when there is no such deal. */
  get(id: string): Promise<{ id: string; rev: number; [k: string]: unknown } | null>;
  /** Record on the deal which property it is about, with the figures wholesale shows. */
  attachProperty(
    dealId: string,
    property: {
      property_id: string;
      address?: string | null;
      zip?: string | null;
      /** One of the shared `PROPERTY_TYPES`. */
      property_type?: PropertyType | null;
      arv_minor?: number | null;
      repair_estimate_minor?: number | null;
      actor?: string;
    },
  ): Promise<unknown>;
  /** Store an underwriting result (MAO) on the deal; wholesale keeps each one as a new version. */
  recordUnderwriting(
    dealId: string,
    result: {
      mao_minor: number;
      currency: string;
      model: string;
      inputs?: Readonly<Record<string, string | number | boolean | null>>;
      source?: string;
      actor?: string;
    },
  ): Promise<unknown>;
}

/** Wholesale's `deals` service, as a provider declares it (`provides: [dealsService]`). @public */
export const dealsService = serviceRef<DealsApi>({
  pack: "wholesale",
  id: "deals",
  version: ">=0.1.0 <1.0.0",
});

/** The same ref as underwriter requires it: optional, so the pack starts without wholesale. @public */
export const optionalDealsService = dealsService.optionalRef();
