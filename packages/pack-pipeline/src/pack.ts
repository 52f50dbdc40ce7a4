import { definePack } from "@valhalla/runtime";
import { version } from "../package.json";
import { applyApprovalRejected, applySent } from "./apply-sent.js";
import { pipelineBrief, pipelineReadiness, pipelineSeed } from "./brief.js";
import { billsReminders, dealsService } from "./contracts.js";
import { dailyTick } from "./daily-tick.js";
import { defaultEmailOffer } from "./migrations/001-default-email-offer.js";
import * as followups from "./routes/followups.js";
import * as runs from "./routes/runs.js";
import * as templates from "./routes/templates.js";
import { PipelineConfig } from "./schemas.js";
import { storage } from "./storage.js";

/** Pipeline: deal → drafted messages, follow-up chains and the daily tick. */
export const pipeline = definePack({
  code: "pipeline",
  // One source of truth: the version npm publishes is the one `requires` ranges are checked against.
  version,
  description: "Deal→message drafts from templates, follow-up chains, quiet hours and a daily tick",
  requires: { deals: dealsService, bills: billsReminders.optionalRef() },
  storage,
  configSchema: PipelineConfig,
  // Static paths before `/:id` ones so `merge_fields` is never read as an id.
  routes: [
    templates.createTemplate,
    templates.listTemplates,
    templates.mergeFields,
    templates.getTemplate,
    templates.patchTemplate,
    templates.previewTemplate,
    runs.runDeal,
    runs.listRuns,
    runs.getRun,
    runs.markSent,
    runs.approvalRejected,
    followups.createFollowup,
    followups.listFollowups,
    followups.getFollowup,
    followups.completeFollowupRoute,
    followups.dailyTickRoute,
  ],
  jobs: [{ name: "daily-tick", cron: "0 8 * * *", run: (ctx) => dailyTick(ctx) }],
  // Config is checked by the registry against configSchema (E_CONFIG_INVALID, one issue per field).
  brief: pipelineBrief,
  daily: (ctx) => dailyTick(ctx),
  readiness: pipelineReadiness,
  seed: pipelineSeed,
  outbound: {
    "mark-sent": (ctx, payload) => applySent(ctx, payload as Parameters<typeof applySent>[1]),
    // Not an action of its own: the host calls `<kind>:rejected` when it rejects a `<kind>` approval.
    "mark-sent:rejected": (ctx, payload) =>
      applyApprovalRejected(ctx, payload as Parameters<typeof applyApprovalRejected>[1]),
  },
  migrations: [defaultEmailOffer],
});
