import { decimalString, idParam, isoDate, pageQuery, requiredText, text, timeZone } from "@valhalla/runtime";
import * as v from "valibot";

/** Channels a draft can go out on. */
export const CHANNELS = ["sms", "email", "call_note"] as const;
export type Channel = (typeof CHANNELS)[number];
/** Tones a template is written in. */
export const TONES = ["friendly", "professional", "firm"] as const;
/** Outcomes recorded when a message was sent. */
export const SEND_RESULTS = ["delivered", "no_answer", "left_voicemail", "replied", "bounced"] as const;
/** Follow-up lifecycle. */
export const FOLLOWUP_STATUSES = ["open", "done", "stopped"] as const;
/**
 * Run lifecycle: `cancelled` when its deal died, closed or was replied to, or its chain was
 * superseded; `rejected` when the approval its "mark sent" waited on was rejected.
 */
export const RUN_STATUSES = ["draft", "pending_approval", "sent", "cancelled", "rejected"] as const;
/** Run statuses that still wait for a send. */
export const UNSENT_STATUSES: ReadonlySet<string> = new Set(["draft", "pending_approval"]);

const channel = v.picklist(CHANNELS, `must be one of ${CHANNELS.join(", ")}`);
const tone = v.picklist(TONES, `must be one of ${TONES.join(", ")}`);

/** Stored message template. */
export const Template = v.object({
  name: v.string(),
  channel: v.picklist(CHANNELS),
  tone: v.picklist(TONES),
  subject: v.nullable(v.string()),
  body: v.string(),
  active: v.boolean(),
});
export type Template = v.InferOutput<typeof Template>;

/** Stored run: one drafted message for a deal, and what became of it. */
export const Run = v.object({
  deal_id: v.string(),
  template_id: v.string(),
  channel: v.picklist(CHANNELS),
  tone: v.picklist(TONES),
  subject: v.nullable(v.string()),
  body: v.string(),
  /** Known merge fields that had no value in the deal when the draft was built. */
  missing_fields: v.array(v.string()),
  origin: v.picklist(["manual", "daily_tick"]),
  /** ISO date (host zone) the run was made. */
  day: v.string(),
  /** The follow-up this draft answers (daily tick), if any. */
  for_followup_id: v.nullable(v.string()),
  /** The follow-up this run scheduled (manual runs). */
  next_followup_id: v.nullable(v.string()),
  recipient_timezone: v.string(),
  /** Earliest instant the draft may be sent: inside 08:00–21:00 in the recipient's zone. */
  send_after: v.string(),
  send_status: v.picklist(RUN_STATUSES),
  approval_id: v.nullable(v.string()),
  sent_at: v.nullable(v.string()),
  sent_channel: v.nullable(v.picklist(CHANNELS)),
  result: v.nullable(v.picklist(SEND_RESULTS)),
  /** When and why an unsent draft was cancelled (deal dead/closed/missing, replied, superseded). */
  cancelled_at: v.optional(v.nullable(v.string()), null),
  cancel_reason: v.optional(v.nullable(v.string()), null),
  /** When and why the approval in `approval_id` was rejected. */
  rejected_at: v.optional(v.nullable(v.string()), null),
  reject_reason: v.optional(v.nullable(v.string()), null),
});
export type Run = v.InferOutput<typeof Run>;

/** Stored follow-up task. */
export const Followup = v.object({
  deal_id: v.nullable(v.string()),
  /** `deal` follow-up, imported `bill_reminder`, or a personal `reminder` without a deal. */
  source: v.picklist(["deal", "bill_reminder", "reminder"]),
  /** The upstream record (bill reminder id) for imported follow-ups. */
  source_id: v.nullable(v.string()),
  title: v.string(),
  due_date: v.string(),
  status: v.picklist(FOLLOWUP_STATUSES),
  stop_reason: v.nullable(v.string()),
  /** Position in the chain, 1-based. */
  sequence: v.number(),
  interval_days: v.number(),
  channel: v.picklist(CHANNELS),
  tone: v.picklist(TONES),
  parent_id: v.nullable(v.string()),
  draft_run_id: v.nullable(v.string()),
  completed_at: v.nullable(v.string()),
  /** The offer the user chose when starting the chain (minor units of the deal's currency). */
  offer_price_minor: v.optional(v.nullable(v.number()), null),
  notes: v.optional(v.nullable(v.string()), null),
  /** Drafts of this follow-up whose approval was rejected; the next draft's id counts on from it. */
  redrafts: v.optional(v.number(), 0),
});
export type Followup = v.InferOutput<typeof Followup>;

/** POST /pipeline/templates body. */
export const CreateTemplateBody = v.strictObject({
  name: requiredText(120),
  channel,
  tone: v.optional(tone, "friendly"),
  subject: v.optional(v.nullable(text(300)), null),
  body: requiredText(4000),
  active: v.optional(v.boolean(), true),
});

/** PATCH /pipeline/templates/:id body. */
export const PatchTemplateBody = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(120)),
    tone: v.optional(tone),
    subject: v.optional(v.nullable(text(300))),
    body: v.optional(requiredText(4000)),
    active: v.optional(v.boolean()),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** The offer quoted to the seller, in the deal's currency; kept for the whole follow-up chain. */
const offer_price = v.optional(
  v.pipe(
    decimalString,
    v.check((s) => !s.startsWith("-"), "must not be negative"),
    v.description(
      "The offer quoted to the seller as a decimal string in the deal's currency ({{deal.offer_price}}); kept for the follow-up chain",
    ),
  ),
);

/** POST /pipeline/deal/:dealId/run body (all optional). */
export const RunDealBody = v.optional(
  v.strictObject({
    template_id: v.optional(idParam),
    channel: v.optional(channel),
    tone: v.optional(tone),
    followup_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))),
    offer_price,
  }),
  {},
);

/** POST /pipeline/templates/:id/preview body. */
export const PreviewTemplateBody = v.strictObject({ deal_id: idParam, offer_price });

/** POST /pipeline/runs/:id/sent body. */
export const MarkSentBody = v.strictObject({
  channel,
  result: v.picklist(SEND_RESULTS, `must be one of ${SEND_RESULTS.join(", ")}`),
  /** When the user sent it (default now); quiet hours do not apply to a send already made. */
  sent_at: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp("must be an ISO 8601 instant such as '2026-05-04T22:30:00Z'"),
      v.description("When the message went out (default now); any hour is accepted"),
    ),
  ),
});

const notes = v.optional(v.nullable(text(2000)), null);

/** POST /pipeline/followups body: a deal follow-up, or a personal reminder without a deal. */
export const CreateFollowupBody = v.variant(
  "kind",
  [
    v.strictObject({
      kind: v.literal("deal"),
      deal_id: idParam,
      /** Default: today + `followup_days`. */
      due_date: v.optional(isoDate),
      title: v.optional(requiredText(200)),
      channel: v.optional(channel, "sms"),
      tone: v.optional(tone, "friendly"),
      offer_price,
      notes,
    }),
    v.strictObject({
      kind: v.literal("reminder"),
      title: requiredText(200),
      due_date: isoDate,
      notes,
    }),
  ],
  "must be 'deal' or 'reminder'",
);
export type CreateFollowupBody = v.InferOutput<typeof CreateFollowupBody>;

/** POST /pipeline/runs/:id/approval_rejected body. */
export const ApprovalRejectedBody = v.strictObject({
  /** The approval that was rejected; must be the one the run waits on. */
  approval_id: idParam,
  reason: v.optional(v.nullable(text(500)), null),
});

/** POST /pipeline/followups/:id/complete body. */
export const CompleteFollowupBody = v.optional(
  v.strictObject({ replied: v.optional(v.boolean(), false) }),
  {},
);

/** GET /pipeline/runs query. */
export const ListRunsQuery = v.strictObject({
  deal_id: v.optional(idParam),
  send_status: v.optional(v.picklist(RUN_STATUSES, `must be one of ${RUN_STATUSES.join(", ")}`)),
  ...pageQuery,
});

/** GET /pipeline/followups query. */
export const ListFollowupsQuery = v.strictObject({
  deal_id: v.optional(idParam),
  status: v.optional(v.picklist(FOLLOWUP_STATUSES, `must be one of ${FOLLOWUP_STATUSES.join(", ")}`)),
  due_by: v.optional(isoDate),
  ...pageQuery,
});

/** Pack config (`config.pipeline`). */
export const PipelineConfig = v.object({
  /** Days until the follow-up a run schedules, and between chained follow-ups. */
  followup_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)), 3),
  /** Follow-ups in one chain before it stops on its own. */
  max_followups: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)), 5),
  /** Recipient time zone when a deal names none. @default the host's zone */
  recipient_timezone: v.optional(timeZone),
  /** How far back the daily tick asks bills for reminders (overlap is deduplicated). */
  reminder_lookback_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(90)), 7),
  /** Follow-ups one daily tick drafts at most. */
  tick_limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)), 50),
  /** Who signs the messages: `{{sender.name}}`, `{{sender.company}}`, `{{sender.phone}}`, `{{sender.email}}`. */
  sender: v.optional(
    v.strictObject({
      name: requiredText(120),
      company: v.optional(requiredText(200)),
      phone: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^\+?[0-9 ().-]{5,30}$/, "must be a phone number such as '+1 555 010 0199'"),
        ),
      ),
      email: v.optional(v.pipe(v.string(), v.email("must be an email address"), v.maxLength(254))),
    }),
  ),
});
export type PipelineConfig = v.InferOutput<typeof PipelineConfig>;
