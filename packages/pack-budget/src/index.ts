/**
 * @module @valhalla/pack-budget — buckets, allocations, a reversible ledger, gating, rules, snapshots.
 */
export { ACCOUNT_TYPES, type Account, type CsvMapping } from "./account-schemas.js";
export { CSV_PRESETS } from "./import/csv-statement.js";
export {
  emptyTotals,
  type FoldableEntry,
  foldEntry,
  totalsId,
} from "./month-totals.js";
export { budget, budget as default } from "./pack.js";
export { type BudgetApi, type BudgetMonthSummary, budgetService } from "./refs.js";
export { applyRules, compileRuleRegex, type RuleSubject, ruleMatches } from "./rules.js";
export {
  BUCKET_TYPES,
  type Bucket,
  BudgetConfig,
  type CurrencyTotals,
  DEFAULT_CATEGORIES,
  ENTRY_KINDS,
  type MonthTotals,
  PRIORITIES,
  ROLLOVERS,
  type Rule,
  type Transaction,
} from "./schemas.js";
