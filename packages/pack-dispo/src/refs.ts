import { serviceRef } from "@valhalla/runtime";

/** One ranked buyer for a deal. */
export interface BuyerMatch {
  readonly buyer_id: string;
  readonly name: string;
  /** 0–100. */
  readonly score: number;
  readonly reasons: readonly { factor: string; points: number; max: number; reason: string }[];
}

/** What dispo offers other packs (e.g. a pipeline that messages the best buyers). */
export interface DispoApi {
  /** Active buyers ranked for a deal, best first. @throws ProblemError 404 for an unknown deal */
  matches(dealId: string, options?: { minScore?: number; limit?: number }): Promise<readonly BuyerMatch[]>;
}

/** Ref to the dispo service; import from `@valhalla/pack-dispo/refs`. */
export const dispoService = serviceRef<DispoApi>({ pack: "dispo", id: "buyers", version: ">=0.1.0 <1.0.0" });
