import { daysBetween } from "@valhalla/runtime";
import { roundDiv } from "./calculators/money-math.js";

/** What the risk score looks at (money in minor units; `null` = not known). @public */
export interface RiskInput {
  readonly arv_minor: number | null;
  /** Date the ARV was set (`YYYY-MM-DD`). */
  readonly arv_as_of: string | null;
  /** Total of the repair line items; `null` when no estimate was made. */
  readonly repairs_minor: number | null;
  readonly rent_monthly_minor: number | null;
  /** 0 (worst) to 100 (best). */
  readonly neighborhood_score: number | null;
  readonly legal_flags: readonly string[];
}

/** One factor's contribution to the score. @public */
export interface RiskFactor {
  readonly factor: "neighborhood" | "repairs_to_arv" | "legal_flags" | "arv_freshness" | "rent_data";
  readonly points: number;
  readonly max_points: number;
  readonly detail: string;
}

/** An explainable risk score: 0 (low risk) to 100 (high). @public */
export interface RiskReport {
  readonly model: "risk_v1";
  readonly score: number;
  readonly level: "low" | "medium" | "high";
  readonly factors: readonly RiskFactor[];
  readonly warnings: readonly string[];
}

/** Maximum points per factor; they add up to 100. @public */
export const RISK_WEIGHTS = {
  neighborhood: 30,
  repairs_to_arv: 25,
  legal_flags: 30,
  arv_freshness: 10,
  rent_data: 5,
} as const;

/** Repairs at or above this share of ARV (in basis points) score the full repairs weight. */
const REPAIRS_FULL_BPS = 4000;
const POINTS_PER_LEGAL_FLAG = 10;

/**
 * Score a property's risk from its intel. Each factor lists its points; unknown data scores the
 * factor's maximum and adds a warning, because missing diligence is itself a risk.
 * Points are integers (rounded half away from zero); `score` is their sum.
 * @example riskScore({ arv_minor: null, arv_as_of: null, repairs_minor: null, rent_monthly_minor: null, neighborhood_score: null, legal_flags: [] }, "2026-01-03").score // 70
 * @public
 */
export function riskScore(input: RiskInput, today: string): RiskReport {
  const factors: RiskFactor[] = [];
  const warnings: string[] = [];
  const w = RISK_WEIGHTS;

  if (input.neighborhood_score === null) {
    factors.push({
      factor: "neighborhood",
      points: w.neighborhood,
      max_points: w.neighborhood,
      detail: "no neighborhood score",
    });
    warnings.push("No neighborhood score; scored as worst case");
  } else {
    const pts = Number(roundDiv(BigInt((100 - input.neighborhood_score) * w.neighborhood), 100n));
    factors.push({
      factor: "neighborhood",
      points: pts,
      max_points: w.neighborhood,
      detail: `neighborhood score ${input.neighborhood_score}/100 → (100 − ${input.neighborhood_score}) × ${w.neighborhood} / 100`,
    });
    if (input.neighborhood_score < 40) warnings.push(`Weak neighborhood (score ${input.neighborhood_score})`);
  }

  if (input.arv_minor === null || input.arv_minor <= 0 || input.repairs_minor === null) {
    const why = input.repairs_minor === null ? "no repair estimate" : "no ARV to compare repairs with";
    factors.push({
      factor: "repairs_to_arv",
      points: w.repairs_to_arv,
      max_points: w.repairs_to_arv,
      detail: why,
    });
    warnings.push(
      input.repairs_minor === null
        ? "No repair estimate; scored as worst case"
        : "No ARV set; repairs cannot be weighed",
    );
  } else {
    const bps = Number(roundDiv(BigInt(input.repairs_minor) * 10_000n, BigInt(input.arv_minor)));
    const pts = Math.min(
      w.repairs_to_arv,
      Number(roundDiv(BigInt(bps * w.repairs_to_arv), BigInt(REPAIRS_FULL_BPS))),
    );
    factors.push({
      factor: "repairs_to_arv",
      points: pts,
      max_points: w.repairs_to_arv,
      detail: `repairs are ${bps} bps of ARV → ${bps} × ${w.repairs_to_arv} / ${REPAIRS_FULL_BPS}, capped at ${w.repairs_to_arv}`,
    });
    if (bps >= 2500) warnings.push(`Heavy rehab: repairs are ${(bps / 100).toFixed(2)}% of ARV`);
  }

  const flags = input.legal_flags.length;
  factors.push({
    factor: "legal_flags",
    points: Math.min(w.legal_flags, flags * POINTS_PER_LEGAL_FLAG),
    max_points: w.legal_flags,
    detail: `${flags} legal flag(s) × ${POINTS_PER_LEGAL_FLAG}, capped at ${w.legal_flags}`,
  });
  for (const flag of input.legal_flags) warnings.push(`Legal flag: ${flag}`);

  if (input.arv_minor === null || input.arv_as_of === null) {
    factors.push({
      factor: "arv_freshness",
      points: w.arv_freshness,
      max_points: w.arv_freshness,
      detail: "no ARV set",
    });
    warnings.push("No ARV set; scored as worst case");
  } else {
    const age = daysBetween(input.arv_as_of, today);
    const pts = age > 180 ? w.arv_freshness : age > 90 ? w.arv_freshness / 2 : 0;
    factors.push({
      factor: "arv_freshness",
      points: pts,
      max_points: w.arv_freshness,
      detail: `ARV is ${age} day(s) old (0 points up to 90, half up to 180, full beyond)`,
    });
    if (age > 180) warnings.push(`ARV is stale (${age} days old)`);
  }

  if (input.rent_monthly_minor === null) {
    factors.push({
      factor: "rent_data",
      points: w.rent_data,
      max_points: w.rent_data,
      detail: "no projected rent",
    });
    warnings.push("No projected rent; rental exit cannot be checked");
  } else {
    factors.push({ factor: "rent_data", points: 0, max_points: w.rent_data, detail: "projected rent known" });
  }

  const score = Math.max(
    0,
    Math.min(
      100,
      factors.reduce((s, f) => s + f.points, 0),
    ),
  );
  return {
    model: "risk_v1",
    score,
    level: score < 34 ? "low" : score < 67 ? "medium" : "high",
    factors,
    warnings,
  };
}
