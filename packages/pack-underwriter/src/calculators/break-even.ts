import { type CalcResult, ROUNDING_NOTE } from "./calc-result.js";
import {
  assertMinor,
  ceilDiv,
  mulRate,
  parseRate,
  percentFactor,
  ratioBps,
  ratioFixed,
  toSafe,
} from "./money-math.js";

/** Inputs of the break-even calculator (money in minor units). @public */
export interface BreakEvenInput {
  readonly arv_minor: number;
  readonly purchase_price_minor: number;
  readonly repairs_minor: number;
  /** Purchase closing costs. @default 0 */
  readonly closing_minor?: number;
  /** Holding costs until the sale. @default 0 */
  readonly holding_minor?: number;
  /** Selling costs (commissions, seller closing) as a share of the sale price. @default "0.08" */
  readonly selling_cost_rate?: string;
}

/** One cell of the sensitivity table. @public */
export interface SensitivityCell {
  readonly repairs_delta_pct: number;
  readonly repairs_minor: number;
  readonly profit_minor: number;
}

/** One row (one ARV scenario) of the sensitivity table. @public */
export interface SensitivityRow {
  readonly arv_delta_pct: number;
  readonly arv_minor: number;
  readonly cells: readonly SensitivityCell[];
}

/** Outputs of the break-even calculator. @public */
export interface BreakEvenOutput {
  readonly total_cost_minor: number;
  readonly selling_costs_minor: number;
  readonly profit_minor: number;
  /** Lowest ARV at which the sale loses nothing (rounded up to the next minor unit). */
  readonly break_even_arv_minor: number;
  /** ARV − break-even ARV; negative when the deal loses money at the given ARV. */
  readonly cushion_minor: number;
  /** Cushion ÷ ARV, a 4-place decimal string (`"0.1250"` = 12.5 %). */
  readonly cushion: string | null;
  /** @deprecated The same ratio in basis points; use `cushion`. Removed in 1.0. */
  readonly cushion_bps: number | null;
  readonly sensitivity: {
    readonly arv_deltas_pct: readonly number[];
    readonly repairs_deltas_pct: readonly number[];
    readonly rows: readonly SensitivityRow[];
  };
}

/** ARV scenarios of the sensitivity table, in percent. @public */
export const ARV_DELTAS_PCT: readonly number[] = [-15, -10, -5, 0, 5, 10, 15];
/** Repair scenarios of the sensitivity table, in percent. @public */
export const REPAIRS_DELTAS_PCT: readonly number[] = [-20, -10, 0, 10, 20];

/**
 * Break-even ARV of a buy–repair–sell: `break-even ARV = (price + repairs + closing + holding) / (1 − selling rate)`,
 * plus the profit for ARV ±5/10/15 % × repairs ±10/20 %.
 * @example breakEven({ arv_minor: 20_000_000, purchase_price_minor: 12_000_000, repairs_minor: 3_000_000 })
 * @throws RangeError naming the offending input
 * @public
 */
export function breakEven(input: BreakEvenInput): CalcResult<Required<BreakEvenInput>, BreakEvenOutput> {
  const inputs = {
    arv_minor: assertMinor(input.arv_minor, "arv_minor", { min: 0 }),
    purchase_price_minor: assertMinor(input.purchase_price_minor, "purchase_price_minor", { min: 0 }),
    repairs_minor: assertMinor(input.repairs_minor, "repairs_minor", { min: 0 }),
    closing_minor: assertMinor(input.closing_minor ?? 0, "closing_minor", { min: 0 }),
    holding_minor: assertMinor(input.holding_minor ?? 0, "holding_minor", { min: 0 }),
    selling_cost_rate: input.selling_cost_rate ?? "0.08",
  };
  const sell = parseRate(inputs.selling_cost_rate, "selling_cost_rate");
  if (sell.num >= sell.den) throw new RangeError("'selling_cost_rate' must be below 1");
  const fixed = inputs.purchase_price_minor + inputs.closing_minor + inputs.holding_minor;
  const profitAt = (arv: number, repairs: number) => arv - mulRate(arv, sell) - fixed - repairs;
  const cost = fixed + inputs.repairs_minor;
  // Rounded up, not half away from zero: at a rounded-down break-even the sale would still lose a cent.
  const breakEvenArv = toSafe(ceilDiv(BigInt(cost) * sell.den, sell.den - sell.num), "break_even_arv_minor");
  const cushion = inputs.arv_minor - breakEvenArv;
  const rows = ARV_DELTAS_PCT.map((a) => {
    const arv = mulRate(inputs.arv_minor, percentFactor(a));
    return {
      arv_delta_pct: a,
      arv_minor: arv,
      cells: REPAIRS_DELTAS_PCT.map((r) => {
        const repairs = mulRate(inputs.repairs_minor, percentFactor(r));
        return { repairs_delta_pct: r, repairs_minor: repairs, profit_minor: profitAt(arv, repairs) };
      }),
    };
  });
  return {
    inputs,
    outputs: {
      total_cost_minor: cost,
      selling_costs_minor: mulRate(inputs.arv_minor, sell),
      profit_minor: profitAt(inputs.arv_minor, inputs.repairs_minor),
      break_even_arv_minor: breakEvenArv,
      cushion_minor: cushion,
      cushion: inputs.arv_minor > 0 ? ratioFixed(BigInt(cushion), BigInt(inputs.arv_minor), 4) : null,
      cushion_bps: inputs.arv_minor > 0 ? ratioBps(BigInt(cushion), BigInt(inputs.arv_minor)) : null,
      sensitivity: { arv_deltas_pct: ARV_DELTAS_PCT, repairs_deltas_pct: REPAIRS_DELTAS_PCT, rows },
    },
    formula:
      "profit = ARV − ARV × selling rate − price − repairs − closing − holding; " +
      "break-even ARV = (price + repairs + closing + holding) / (1 − selling rate), rounded up to the minor unit; " +
      `sensitivity: ARV × (1 ± 5/10/15%) against repairs × (1 ± 10/20%); ${ROUNDING_NOTE}`,
  };
}
