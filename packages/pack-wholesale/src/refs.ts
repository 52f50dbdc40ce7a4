import { type Page, type Stored, serviceRef } from "@valhalla/runtime";

/**
 * Property types: the one vocabulary of deals, buyers' criteria (dispo) and underwritten properties
 * (underwriter), owned here. `sfh` is a single-family house.
 */
export const PROPERTY_TYPES = [
  "sfh",
  "multi_family",
  "condo",
  "townhouse",
  "mobile",
  "land",
  "commercial",
  "other",
] as const;
/** Property conditions a deal can name. */
export const CONDITIONS = ["turnkey", "light_rehab", "medium_rehab", "heavy_rehab", "teardown"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export type Condition = (typeof CONDITIONS)[number];

/** A deal's stage, as other packs see it. */
export type DealStage = "lead" | "offer" | "contract" | "assignment" | "closed" | "dead" | "on_hold";

/** A deal as the deals service returns it (money in minor units of `currency`). */
export interface DealRecord {
  readonly stage: DealStage;
  readonly held_from: "lead" | "offer" | "contract" | "assignment" | null;
  readonly dead_reason: string | null;
  readonly stage_changed_at: string;
  readonly lead_source: string | null;
  readonly currency: string;
  readonly arv_minor: number | null;
  readonly mao_minor: number | null;
  readonly assignment_fee_target_minor: number | null;
  readonly contract_price_minor: number | null;
  readonly assignment_price_minor: number | null;
  readonly repair_estimate_minor: number | null;
  /** Derived: assignment price − contract price once assigned, else MAO − contract price. */
  readonly expected_spread_minor: number | null;
  readonly spread_basis: "mao" | "assignment" | null;
  readonly exit_strategy: "assignment" | "double_close" | null;
  readonly partner_id: string | null;
  readonly property_id: string | null;
  readonly property_address: string | null;
  readonly property_zip: string | null;
  readonly market: string | null;
  readonly property_type: PropertyType | null;
  readonly condition: Condition | null;
  readonly closing_date: string | null;
  readonly underwriting: {
    readonly version: number;
    readonly mao_minor: number;
    readonly model: string;
    readonly inputs: Readonly<Record<string, string | number | boolean | null>>;
    readonly source: string;
    readonly recorded_at: string;
  } | null;
}

/** Who makes a change; shows up in the deal's activity log. @default "system" */
export interface ActorOption {
  readonly actor?: string;
}

/** What wholesale offers other packs; import the ref from `@valhalla/pack-wholesale/refs`. */
export interface DealsApi {
  /** The deal, or `null` when there is none with this id. */
  get(id: string): Promise<Stored<DealRecord> | null>;
  /** Deals through the stage / lead_source / partner_id indexes, newest first. */
  list(options?: {
    stage?: DealStage;
    lead_source?: string;
    partner_id?: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<DealRecord>>;
  /** Link a property (e.g. an underwriter property id) to the deal. @throws NotFoundError */
  attachProperty(
    id: string,
    property: {
      property_id: string;
      address?: string | null;
      zip?: string | null;
      property_type?: PropertyType | null;
      arv_minor?: number | null;
      repair_estimate_minor?: number | null;
    } & ActorOption,
  ): Promise<Stored<DealRecord>>;
  /**
   * Write a MAO onto the deal as a new underwriting version (1, 2, 3 …); the deal's `mao_minor`
   * follows it and each version is logged. The amount is in minor units of the deal's currency.
   * @throws ProblemError 409 when the currency differs from the deal's; NotFoundError
   */
  recordUnderwriting(
    id: string,
    result: {
      mao_minor: number;
      currency: string;
      model: string;
      inputs?: Readonly<Record<string, string | number | boolean | null>>;
      source?: string;
    } & ActorOption,
  ): Promise<Stored<DealRecord>>;
  /**
   * Move the deal to another stage under the pipeline rules (409 problem with `allowed` otherwise).
   * Moving to `assignment` may set the assignment price; moving from `assignment` back to
   * `contract` (the end buyer fell out) clears it.
   */
  transition(
    id: string,
    to: DealStage,
    options?: { reason?: string; assignment_price_minor?: number } & ActorOption,
  ): Promise<Stored<DealRecord>>;
}

/** Ref to the deals service; import from `@valhalla/pack-wholesale/refs`. */
export const dealsService = serviceRef<DealsApi>({
  pack: "wholesale",
  id: "deals",
  version: ">=0.1.0 <1.0.0",
});
