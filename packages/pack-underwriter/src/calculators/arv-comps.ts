import type { CalcResult } from "./calc-result.js";
import { assertMinor, ratioFixed, roundDiv, toSafe } from "./money-math.js";

/** Property condition, worst to best; adjustments count the steps between two conditions. @public */
export const CONDITIONS = ["poor", "fair", "average", "good", "excellent"] as const;
/** A condition grade. @public */
export type Condition = (typeof CONDITIONS)[number];

/** The facts compared between the subject and a comparable sale. @public */
export interface CompFacts {
  readonly sqft: number;
  readonly beds: number;
  /** Whole or half baths (2.5). */
  readonly baths: number;
  readonly condition: Condition;
}

/** A comparable sale. @public */
export interface Comp extends CompFacts {
  readonly sale_price_minor: number;
  /** Free label shown back (address, MLS number). */
  readonly label?: string | null;
}

/** Inputs of the comps ARV calculator. @public */
export interface ArvCompsInput {
  readonly subject: CompFacts;
  readonly comps: readonly Comp[];
  /** Value of one square foot of difference. @default 0 */
  readonly per_sqft_minor?: number;
  /** Value of one bedroom. @default 0 */
  readonly per_bed_minor?: number;
  /** Value of one full bath (a half bath counts half). @default 0 */
  readonly per_bath_minor?: number;
  /** Value of one condition step (e.g. average → good). @default 0 */
  readonly per_condition_step_minor?: number;
}

/** One comparable after adjustment to the subject. @public */
export interface AdjustedComp {
  readonly label: string | null;
  readonly sale_price_minor: number;
  readonly size_adjustment_minor: number;
  readonly beds_adjustment_minor: number;
  readonly baths_adjustment_minor: number;
  readonly condition_adjustment_minor: number;
  readonly net_adjustment_minor: number;
  /** Net adjustment / sale price, 4 places. */
  readonly net_adjustment_ratio: string | null;
  readonly adjusted_price_minor: number;
}

/** Outputs of the comps ARV calculator. @public */
export interface ArvCompsOutput {
  /** Mean of the adjusted prices. */
  readonly arv_minor: number;
  readonly low_minor: number;
  readonly high_minor: number;
  /** Median of the adjusted prices (mean of the middle two for an even count). */
  readonly median_minor: number;
  readonly comps: readonly AdjustedComp[];
}

/**
 * After-repair value from comparable sales: each comp's price is adjusted towards the subject —
 * `+ (subject − comp)` square feet, bedrooms, baths and condition steps, each times its value — and
 * the ARV is the mean of the adjusted prices, with the lowest and highest as the range.
 * @example arvFromComps({ subject: { sqft: 1500, beds: 3, baths: 2, condition: "good" }, comps: [{ sale_price_minor: 20_000_000, sqft: 1500, beds: 3, baths: 2, condition: "good" }] }).outputs.arv_minor // 20_000_000
 * @throws RangeError naming the offending input
 * @public
 */
export function arvFromComps(input: ArvCompsInput): CalcResult<Required<ArvCompsInput>, ArvCompsOutput> {
  const inputs = {
    subject: input.subject,
    comps: input.comps,
    per_sqft_minor: assertMinor(input.per_sqft_minor ?? 0, "per_sqft_minor", { min: 0 }),
    per_bed_minor: assertMinor(input.per_bed_minor ?? 0, "per_bed_minor", { min: 0 }),
    per_bath_minor: assertMinor(input.per_bath_minor ?? 0, "per_bath_minor", { min: 0 }),
    per_condition_step_minor: assertMinor(input.per_condition_step_minor ?? 0, "per_condition_step_minor", {
      min: 0,
    }),
  };
  if (inputs.comps.length === 0) throw new RangeError("'comps' must list at least one comparable sale");
  checkFacts(inputs.subject, "subject");
  const s = inputs.subject;
  const adjusted = inputs.comps.map((c, i): AdjustedComp => {
    checkFacts(c, `comps.${i}`);
    assertMinor(c.sale_price_minor, `comps.${i}.sale_price_minor`, { min: 0 });
    const times = (units: number, per: number, what: string) => toSafe(BigInt(units) * BigInt(per), what);
    const size = times(s.sqft - c.sqft, inputs.per_sqft_minor, "size_adjustment_minor");
    const beds = times(s.beds - c.beds, inputs.per_bed_minor, "beds_adjustment_minor");
    // Baths come in halves: count half-baths as integers, then halve the product once.
    const halfBaths = BigInt(Math.round((s.baths - c.baths) * 2));
    const baths = toSafe(roundDiv(halfBaths * BigInt(inputs.per_bath_minor), 2n), "baths_adjustment_minor");
    const steps = CONDITIONS.indexOf(s.condition) - CONDITIONS.indexOf(c.condition);
    const condition = times(steps, inputs.per_condition_step_minor, "condition_adjustment_minor");
    const net = size + beds + baths + condition;
    return {
      label: c.label ?? null,
      sale_price_minor: c.sale_price_minor,
      size_adjustment_minor: size,
      beds_adjustment_minor: beds,
      baths_adjustment_minor: baths,
      condition_adjustment_minor: condition,
      net_adjustment_minor: net,
      net_adjustment_ratio:
        c.sale_price_minor > 0 ? ratioFixed(BigInt(net), BigInt(c.sale_price_minor), 4) : null,
      adjusted_price_minor: toSafe(BigInt(c.sale_price_minor) + BigInt(net), "adjusted_price_minor"),
    };
  });
  const prices = adjusted
    .map((a) => BigInt(a.adjusted_price_minor))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = prices.length;
  const sum = prices.reduce((a, b) => a + b, 0n);
  const mid = Math.floor(n / 2);
  const median =
    n % 2 === 1
      ? (prices[mid] as bigint)
      : roundDiv((prices[mid - 1] as bigint) + (prices[mid] as bigint), 2n);
  return {
    inputs,
    outputs: {
      arv_minor: toSafe(roundDiv(sum, BigInt(n)), "arv_minor"),
      low_minor: toSafe(prices[0] as bigint, "low_minor"),
      high_minor: toSafe(prices[n - 1] as bigint, "high_minor"),
      median_minor: toSafe(median, "median_minor"),
      comps: adjusted,
    },
    formula:
      "adjusted price = sale price + (subject − comp) × (per sqft for square feet, per bed for bedrooms, " +
      "per bath for baths, a half bath counting half, per step for condition poor < fair < average < good < excellent); " +
      "ARV = mean of adjusted prices, range = lowest to highest; means and half-bath values rounded once to the " +
      "minor unit, half away from zero",
  };
}

function checkFacts(f: CompFacts, where: string): void {
  if (!Number.isInteger(f.sqft) || f.sqft < 1)
    throw new RangeError(`'${where}.sqft' must be a whole number ≥ 1`);
  if (!Number.isInteger(f.beds) || f.beds < 0)
    throw new RangeError(`'${where}.beds' must be a whole number ≥ 0`);
  if (!Number.isInteger(f.baths * 2) || f.baths < 0) {
    throw new RangeError(`'${where}.baths' must be a whole or half number ≥ 0`);
  }
  if (!CONDITIONS.includes(f.condition)) {
    throw new RangeError(`'${where}.condition' must be one of ${CONDITIONS.join(", ")}`);
  }
}
