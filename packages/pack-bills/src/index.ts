/**
 * @module @valhalla/pack-bills — recurring bills, due dates, payments, missed detection, reminders.
 */
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
  type Payment,
  type Reminder,
} from "./schemas.js";
