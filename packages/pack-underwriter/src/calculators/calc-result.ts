/** What every calculator returns: the inputs it used (defaults applied), its outputs and the formula. @public */
export interface CalcResult<I, O> {
  readonly inputs: I;
  readonly outputs: O;
  /** The formula in words, including the rounding rule. */
  readonly formula: string;
}

/** The rounding rule every calculator states in its `formula`. @public */
export const ROUNDING_NOTE =
  "each money × rate product is rounded once to the minor unit, half away from zero; sums are exact";
