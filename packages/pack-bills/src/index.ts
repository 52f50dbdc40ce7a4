/**
 * @module @valhalla/pack-bills — recurring bills, due dates, payments, missed detection, reminders.
 */
export { formatAmount } from "./amount-due.js";
export {
  adjustForWeekend,
  CADENCES,
  type Cadence,
  type DayOfMonth,
  daysInMonth,
  describeCadence,
  isNominalDate,
  type Occurrence,
  occurrencesBetween,
  resolveDay,
  type Schedule,
  WEEKEND_ADJUSTMENTS,
  type WeekendAdjustment,
  weekdayOf,
} from "./due-dates.js";
export { withDueIndex } from "./due-index.js";
export { type AggregateStore, foldEstimate, storeAggregates } from "./estimate-index.js";
export {
  OCCURRENCE_STATUSES,
  type OccurrenceStatus,
  type StatusSettings,
  TIMINGS,
  type Timing,
} from "./occurrence-status.js";
export { bills, bills as default } from "./pack.js";
export {
  type BillObligation,
  type BillReminder,
  type BillsApi,
  type BillsEstimate,
  billsService,
} from "./refs.js";
export {
  AUTOPAY_STEPS,
  type Bill,
  BillsConfig,
  type EstimateAggregate,
  type Payment,
  type Reminder,
  VARIABLE_PAID_AT,
  type VariablePaidAt,
} from "./schemas.js";
