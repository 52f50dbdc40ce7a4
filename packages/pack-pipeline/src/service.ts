import { createHash } from "node:crypto";
import {
  ConflictError,
  isTimeZone,
  MoneyError,
  ProblemError,
  parseMoney,
  type Stored,
  todayIn,
} from "@valhalla/runtime";
import * as v from "valibot";
import type { PipelineDeal } from "./contracts.js";
import { renderTemplate } from "./merge-fields.js";
import { nextSendTime } from "./quiet-hours.js";
import { type Channel, PipelineConfig, type Run, type Template, type TONES } from "./schemas.js";
import type { PipelineContext } from "./storage.js";

type Tone = (typeof TONES)[number];

/** Deal stages after which no follow-up is drafted. */
export const INACTIVE_STAGES: ReadonlySet<string> = new Set(["dead", "closed"]);

/** The pack's config with defaults applied. @throws ValiError on bad config */
export function configOf(ctx: Pick<PipelineContext, "config">): PipelineConfig {
  return v.parse(PipelineConfig, ctx.config);
}

/** Today in the host's zone. */
export const today = (ctx: PipelineContext): string => todayIn(ctx.timezone, ctx.now());

/** A short deterministic token for ids derived from other ids (safe characters, fixed length). */
export const digest = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 24);

/** The recipient's zone: the deal's own `timezone` or `seller_timezone`, else the configured default, else the host's. */
export function recipientZone(ctx: PipelineContext, deal: PipelineDeal): string {
  for (const tz of [deal.timezone, deal.seller_timezone])
    if (typeof tz === "string" && isTimeZone(tz)) return tz;
  return configOf(ctx).recipient_timezone ?? ctx.timezone;
}

/** Fetch a deal through wholesale, or answer 404. */
export async function requireDeal(ctx: PipelineContext, id: string): Promise<PipelineDeal> {
  const deal = await ctx.deps.deals.get(id);
  if (!deal) throw new ProblemError(404, "not-found", `No deal '${id}'`);
  return deal;
}

/** A note in a reply about something done differently from what was asked (the request still succeeded). */
export interface Warning {
  /** Stable code: `tone-fallback`, `merge-fields-missing`. */
  readonly code: string;
  /** The request field concerned, when there is one. */
  readonly field?: string;
  readonly message: string;
}

/**
 * The template to use: the one asked for, else the first active one for channel and tone, else
 * (when no template has that tone) the first active one for the channel — with a `tone-fallback`
 * warning saying so, never silently.
 */
export async function pickTemplate(
  ctx: PipelineContext,
  want: { template_id?: string | undefined; channel: Channel; tone?: Tone | undefined },
): Promise<{ template: Stored<Template> | null; warnings: Warning[] }> {
  if (want.template_id) return { template: await ctx.storage.templates.get(want.template_id), warnings: [] };
  const where = { channel: want.channel, active: true } as const;
  if (want.tone) {
    const exact = await ctx.storage.templates.list({
      where: { ...where, tone: want.tone },
      limit: 1,
      order: "asc",
    });
    if (exact.items[0]) return { template: exact.items[0], warnings: [] };
  }
  const any = (await ctx.storage.templates.list({ where, limit: 1, order: "asc" })).items[0] ?? null;
  const warnings: Warning[] =
    any && want.tone
      ? [
          {
            code: "tone-fallback",
            field: "tone",
            message: `No active ${want.channel} template has tone '${want.tone}'; used '${any.id}' (${any.tone}) instead`,
          },
        ]
      : [];
  return { template: any, warnings };
}

/** A warning listing known merge fields that rendered empty in a draft, or none. */
export function missingFieldsWarning(missing: readonly string[]): Warning[] {
  if (missing.length === 0) return [];
  return [
    {
      code: "merge-fields-missing",
      message: `These merge fields had no value and rendered empty: ${missing.map((f) => `{{${f}}}`).join(", ")}`,
    },
  ];
}

/** Fill a template from a deal, the chosen offer and the configured sender (nothing stored). */
export function renderDraft(
  ctx: PipelineContext,
  deal: PipelineDeal,
  template: Pick<Template, "subject" | "body">,
  offer_price_minor: number | null,
): { subject: string | null; body: string; missing_fields: string[] } {
  const source = { deal, offer_price_minor, sender: configOf(ctx).sender };
  const body = renderTemplate(template.body, source);
  const subject = template.subject ? renderTemplate(template.subject, source) : null;
  return {
    subject: subject?.text ?? null,
    body: body.text,
    missing_fields: [...new Set([...(subject?.missing ?? []), ...body.missing])],
  };
}

/**
 * Parse a decimal-string amount of the request body in `currency`.
 * @throws ProblemError 400 naming the field (e.g. too many decimals for JPY)
 */
export function moneyField(field: string, value: string, currency: string): number {
  try {
    return parseMoney(value, currency).amount_minor;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    throw new ProblemError(400, "validation-failed", `Invalid body: '${field}' ${err.message}`, {
      errors: [{ pointer: `/body/${field}`, field, message: err.message }],
    });
  }
}

/** Build a draft run record from a deal and template (not stored). */
export function draftRun(
  ctx: PipelineContext,
  deal: PipelineDeal,
  template: Stored<Template>,
  extra: Pick<Run, "origin" | "for_followup_id" | "next_followup_id">,
  offer_price_minor: number | null = null,
): Run {
  const draft = renderDraft(ctx, deal, template, offer_price_minor);
  const zone = recipientZone(ctx, deal);
  return {
    deal_id: deal.id,
    template_id: template.id,
    channel: template.channel,
    tone: template.tone,
    ...draft,
    day: today(ctx),
    recipient_timezone: zone,
    // Never schedule an outbound draft inside the recipient's quiet hours.
    send_after: nextSendTime(ctx.now(), zone).toISOString(),
    send_status: "draft",
    approval_id: null,
    sent_at: null,
    sent_channel: null,
    result: null,
    cancelled_at: null,
    cancel_reason: null,
    rejected_at: null,
    reject_reason: null,
    ...extra,
  };
}

/** Create a record under a deterministic id unless it exists; returns whether it was created. */
export async function createIfAbsent<T>(
  create: () => Promise<T>,
  get: () => Promise<T | null>,
): Promise<{ record: T; created: boolean }> {
  try {
    return { record: await create(), created: true };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const record = await get();
    if (!record) throw err;
    return { record, created: false };
  }
}
