import { serviceRef } from "@valhalla/runtime";

/** One month of the budget, as other packs see it. */
export interface BudgetMonthSummary {
  readonly month: string;
  readonly currency: string;
  readonly status: "open" | "closed";
  readonly income_target_minor: number;
  readonly bills_minor: number;
  readonly allocated_minor: number;
  readonly spent_minor: number;
  readonly available_minor: number;
  readonly gap_minor: number;
  readonly essentials_funded: boolean;
}

/** Read-only view of the budget other packs may use. */
export interface BudgetApi {
  /** Totals of a month (`YYYY-MM`; default this month). */
  month(month?: string): Promise<BudgetMonthSummary>;
}

/** Ref to the budget service; import from `@valhalla/pack-budget/refs`. */
export const budgetService = serviceRef<BudgetApi>({
  pack: "budget",
  id: "budget",
  version: ">=0.1.0 <1.0.0",
});
