import { ProblemError, parseMoney, type Stored } from "@valhalla/runtime";
import { type Deal, OPEN_STAGES, type PatchDealBody, STAGES, type Stage } from "./schemas.js";

/**
 * Pure deal rules: which stage may follow which, what a move changes, the derived spread, and
 * what a JV partner may see. No storage here, so every rule is testable on plain objects.
 * @module
 */

const FORWARD: Readonly<Record<Stage, readonly Stage[]>> = {
  lead: ["offer"],
  offer: ["contract"],
  contract: ["assignment"],
  // Back to contract when the end buyer falls out; the contract with the seller still stands.
  assignment: ["closed", "contract"],
  closed: [],
  dead: [],
  on_hold: [],
};

/** Stages a deal may move to from where it is now (on hold: back where it was held from, or dead). */
export function allowedNext(deal: Pick<Deal, "stage" | "held_from">): Stage[] {
  if (deal.stage === "on_hold") return deal.held_from ? [deal.held_from, "dead"] : ["dead"];
  if (deal.stage === "closed" || deal.stage === "dead") return [];
  return [...FORWARD[deal.stage], "dead", "on_hold"];
}

/** Options of a stage move. */
export interface TransitionOptions {
  readonly reason?: string | undefined;
  readonly assignment_price_minor?: number | undefined;
}

/**
 * The deal after moving to `to`, with its spread re-derived.
 * @throws ProblemError 409 `illegal-transition` with `allowed`; 400 when `dead` has no reason
 */
export function applyTransition(deal: Deal, to: Stage, opts: TransitionOptions, at: string): Deal {
  const allowed = allowedNext(deal);
  if (!allowed.includes(to)) {
    throw new ProblemError(
      409,
      "illegal-transition",
      `Cannot move a deal from '${deal.stage}' to '${to}'; allowed: ${allowed.length ? allowed.map((s) => `'${s}'`).join(", ") : "none (final stage)"}`,
      { from: deal.stage, to, allowed },
    );
  }
  if (to === "dead" && !opts.reason?.trim()) {
    throw new ProblemError(
      400,
      "validation-failed",
      "Invalid body: 'reason' is required to mark a deal dead",
      {
        errors: [{ pointer: "/body/reason", field: "reason", message: "is required when moving to 'dead'" }],
      },
    );
  }
  const next: Deal = {
    ...deal,
    stage: to,
    stage_changed_at: at,
    held_from: to === "on_hold" ? (deal.stage as Deal["held_from"]) : null,
    dead_reason: to === "dead" ? opts.reason!.trim() : null,
  };
  if (to === "assignment" && opts.assignment_price_minor !== undefined) {
    next.assignment_price_minor = opts.assignment_price_minor;
  }
  if (deal.stage === "assignment" && to === "contract") next.assignment_price_minor = null;
  return withSpread(next);
}

/**
 * Expected spread, derived and never typed in: assignment price − contract price once there is an
 * assignment price, else MAO − contract price; `null` while either side is unknown.
 */
export function deriveSpread(
  deal: Pick<Deal, "mao_minor" | "contract_price_minor" | "assignment_price_minor">,
): { expected_spread_minor: number | null; spread_basis: "mao" | "assignment" | null } {
  if (deal.contract_price_minor === null) return { expected_spread_minor: null, spread_basis: null };
  if (deal.assignment_price_minor !== null) {
    return {
      expected_spread_minor: deal.assignment_price_minor - deal.contract_price_minor,
      spread_basis: "assignment",
    };
  }
  if (deal.mao_minor !== null) {
    return { expected_spread_minor: deal.mao_minor - deal.contract_price_minor, spread_basis: "mao" };
  }
  return { expected_spread_minor: null, spread_basis: null };
}

/** The deal with `expected_spread_minor` / `spread_basis` recomputed. */
export function withSpread<T extends Deal>(deal: T): T {
  return { ...deal, ...deriveSpread(deal) };
}

/** Money inputs (decimal strings) and the stored minor-unit field each one fills. */
export const MONEY_FIELDS = {
  arv: "arv_minor",
  mao: "mao_minor",
  assignment_fee_target: "assignment_fee_target_minor",
  contract_price: "contract_price_minor",
  assignment_price: "assignment_price_minor",
  repair_estimate: "repair_estimate_minor",
} as const;

/**
 * Turn request fields into stored fields: money strings to minor units of `currency` (400 naming
 * the field on excess precision), everything else as given. `undefined` fields are left out.
 */
export function toStoredFields(body: PatchDealBody, currency: string): Partial<Deal> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const minorKey = MONEY_FIELDS[key as keyof typeof MONEY_FIELDS];
    if (!minorKey) {
      out[key] = value;
      continue;
    }
    if (value === null) {
      out[minorKey] = null;
      continue;
    }
    try {
      out[minorKey] = parseMoney(value as string, currency).amount_minor;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ProblemError(400, "validation-failed", `Invalid body: '${key}' ${message}`, {
        errors: [{ pointer: `/body/${key}`, field: key, message }],
      });
    }
    if ((out[minorKey] as number) < 0) {
      throw new ProblemError(400, "validation-failed", `Invalid body: '${key}' must not be negative`, {
        errors: [{ pointer: `/body/${key}`, field: key, message: "must not be negative" }],
      });
    }
  }
  return out as Partial<Deal>;
}

/** A blank deal at `lead`, before the caller's fields are applied. */
export function blankDeal(currency: string, at: string): Deal {
  return {
    stage: "lead",
    held_from: null,
    dead_reason: null,
    stage_changed_at: at,
    lead_source: null,
    seller_motivation: null,
    seller_name: null,
    seller_phone: null,
    seller_email: null,
    seller_timezone: null,
    currency,
    arv_minor: null,
    mao_minor: null,
    assignment_fee_target_minor: null,
    contract_price_minor: null,
    assignment_price_minor: null,
    repair_estimate_minor: null,
    expected_spread_minor: null,
    spread_basis: null,
    inspection_date: null,
    emd_date: null,
    closing_date: null,
    exit_strategy: null,
    partner_id: null,
    next_action: null,
    next_action_date: null,
    external_deal_id: null,
    property_id: null,
    property_address: null,
    property_zip: null,
    market: null,
    property_type: null,
    condition: null,
    underwriting: null,
    notes: null,
  };
}

/** Fields a JV partner may see on the board: no seller motivation, notes, MAO, fees or spread. */
export const BOARD_FIELDS = [
  "id",
  "stage",
  "property_address",
  "property_zip",
  "market",
  "property_type",
  "condition",
  "currency",
  "arv_minor",
  "repair_estimate_minor",
  "exit_strategy",
  "closing_date",
  "updated_at",
] as const;

/** A JV partner's view of a deal: only whitelisted fields, so new fields stay private by default. */
export function boardView(deal: Stored<Deal>): Record<(typeof BOARD_FIELDS)[number], unknown> {
  return Object.fromEntries(BOARD_FIELDS.map((f) => [f, deal[f]])) as Record<
    (typeof BOARD_FIELDS)[number],
    unknown
  >;
}

/** Stages whose expected spread is still expected (closed and dead ones are history). */
export const SPREAD_STAGES: readonly Stage[] = [...OPEN_STAGES, "on_hold"];
export { STAGES };
