/**
 * @module @valhalla/pack-pipeline — deal→message drafts, follow-up chains and the daily tick.
 */
export { applyApprovalRejected } from "./apply-sent.js";
export {
  type BillReminder,
  type BillsRemindersApi,
  billsReminders,
  type DealsApi,
  dealsService,
  type PipelineDeal,
} from "./contracts.js";
export { type DailyTickReport, dailyTick } from "./daily-tick.js";
export { MERGE_FIELDS, type MergeSource, type SenderProfile } from "./merge-fields.js";
export { pipeline, pipeline as default } from "./pack.js";
export { inSendWindow, nextSendTime, SEND_WINDOW } from "./quiet-hours.js";
export {
  CHANNELS,
  type Followup,
  PipelineConfig,
  type Run,
  SEND_RESULTS,
  type Template,
  TONES,
} from "./schemas.js";
