import * as v from "valibot";
import { CHANNELS, Followup, Run, Template, TONES } from "./schemas.js";

/**
 * Response schemas of the pipeline routes, for OpenAPI: stored records carry `id`, `rev` and
 * timestamps beside their own fields.
 * @module
 */

const meta = {
  id: v.string(),
  rev: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
};

/** A stored run as the API returns it. */
export const RunResponse = v.object({ ...meta, ...Run.entries });
/** A stored follow-up as the API returns it. */
export const FollowupResponse = v.object({ ...meta, ...Followup.entries });
/** A stored template as the API returns it. */
export const TemplateResponse = v.object({ ...meta, ...Template.entries });

/** What `POST /pipeline/daily_tick` and the `daily-tick` job report. */
export const DailyTickResponse = v.object({
  day: v.string(),
  imported: v.array(v.string()),
  drafted: v.array(v.string()),
  already_drafted: v.array(v.string()),
  stopped: v.array(v.string()),
  cancelled: v.array(v.string()),
  skipped: v.array(v.object({ followup_id: v.string(), reason: v.string() })),
  warnings: v.array(v.object({ followup_id: v.string(), code: v.string(), message: v.string() })),
  deferred: v.number(),
});

/** What completing a follow-up did: the chained next one, and what a reply or dead deal stopped. */
export const CompleteFollowupResponse = v.object({
  followup: FollowupResponse,
  next: v.nullable(FollowupResponse),
  stopped: v.array(v.string()),
  cancelled: v.array(v.string()),
});

/** A rendered template: what a run with this deal would draft. */
export const PreviewResponse = v.object({
  template_id: v.string(),
  deal_id: v.string(),
  channel: v.picklist(CHANNELS),
  tone: v.picklist(TONES),
  subject: v.nullable(v.string()),
  body: v.string(),
  missing_fields: v.array(v.string()),
});

/** What `POST /pipeline/deal/:dealId/run` answers: the draft and the follow-up it scheduled. */
export const RunDealResponse = v.object({
  run: RunResponse,
  followup: FollowupResponse,
  /** What was done differently from the request (`tone-fallback`) or left empty (`merge-fields-missing`). */
  warnings: v.array(v.object({ code: v.string(), field: v.optional(v.string()), message: v.string() })),
});

/** What `POST /pipeline/runs/:id/approval_rejected` answers: the rejected run and the follow-up freed for a new draft. */
export const ApprovalRejectedResponse = v.object({
  run: RunResponse,
  followup: v.nullable(FollowupResponse),
});

/** A cursor page of stored records. */
const page = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });

/** GET /pipeline/templates response. */
export const TemplatesPage = page(TemplateResponse);
/** GET /pipeline/runs response. */
export const RunsPage = page(RunResponse);
/** GET /pipeline/followups response. */
export const FollowupsPage = page(FollowupResponse);
