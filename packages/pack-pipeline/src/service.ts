import { createHash } from "node:crypto";
import {
  addDays,
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
import { dealAddress, renderTemplate } from "./merge-fields.js";
import { nextSendTime } from "./quiet-hours.js";
import {
  type Channel,
  type Followup,
  PipelineConfig,
  type Run,
  type SEND_RESULTS,
  type Template,
  type TONES,
  UNSENT_STATUSES,
} from "./schemas.js";
import type { PipelineContext } from "./storage.js";

type Tone = (typeof TONES)[number];
type SendResult = (typeof SEND_RESULTS)[number];

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

/** What stopping a deal's follow-ups did. */
export interface StopResult {
  /** Follow-ups moved from open to stopped. */
  readonly stopped: string[];
  /** Unsent drafts (draft or pending approval) moved to cancelled. */
  readonly cancelled: string[];
}

/**
 * Close open follow-ups of a deal (reply, dead or closed deal, superseded chain) and cancel the
 * unsent drafts that would now go out for nothing: every unsent draft of the deal when the deal is
 * over or the contact replied, only the drafts answering the stopped follow-ups when a new run
 * supersedes the chain.
 */
export async function stopDealFollowups(
  ctx: PipelineContext,
  dealId: string,
  reason: string,
  exceptId?: string,
): Promise<StopResult> {
  const stopped: string[] = [];
  for await (const fu of ctx.storage.followups.iterate({ where: { deal_id: dealId, status: "open" } })) {
    if (fu.id === exceptId) continue;
    if (await transition(ctx, fu.id, "stopped", reason)) stopped.push(fu.id);
  }
  const everything = reason !== "superseded";
  const cancelled = await cancelUnsentRuns(
    ctx,
    dealId,
    reason,
    (run) => everything || (run.for_followup_id !== null && stopped.includes(run.for_followup_id)),
  );
  return { stopped, cancelled };
}

const NOT_UNSENT = Symbol("not-unsent");

/** Cancel a deal's unsent drafts chosen by `which`, each exactly once; returns the run ids. */
async function cancelUnsentRuns(
  ctx: PipelineContext,
  dealId: string,
  reason: string,
  which: (run: Stored<Run>) => boolean,
): Promise<string[]> {
  const cancelled: string[] = [];
  for await (const run of ctx.storage.runs.iterate({ where: { deal_id: dealId } })) {
    if (!UNSENT_STATUSES.has(run.send_status) || !which(run)) continue;
    try {
      await ctx.storage.runs.update(run.id, (cur) => {
        // Checked inside the retry loop: a draft marked sent meanwhile is history, not cancelled.
        if (!UNSENT_STATUSES.has(cur.send_status)) throw NOT_UNSENT;
        const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
        return {
          ...data,
          send_status: "cancelled",
          cancelled_at: ctx.now().toISOString(),
          cancel_reason: reason,
        };
      });
      cancelled.push(run.id);
    } catch (err) {
      if (err !== NOT_UNSENT) throw err;
    }
  }
  return cancelled;
}

const NOT_OPEN = Symbol("not-open");

/** Move an open follow-up to done/stopped exactly once; `null` when it was no longer open. */
async function transition(
  ctx: PipelineContext,
  id: string,
  status: "done" | "stopped",
  reason: string | null,
): Promise<Stored<Followup> | null> {
  try {
    return await ctx.storage.followups.update(id, (cur) => {
      // Thrown inside the retry loop, so of two racing completions only one sees "open".
      if (cur.status !== "open") throw NOT_OPEN;
      const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
      return { ...data, status, stop_reason: reason, completed_at: ctx.now().toISOString() };
    });
  } catch (err) {
    if (err === NOT_OPEN) return null;
    throw err;
  }
}

/** Create a deal follow-up due `days` after today. */
export function newFollowup(
  ctx: PipelineContext,
  deal: PipelineDeal,
  opts: {
    days: number;
    sequence: number;
    parent_id: string | null;
    channel: Channel;
    tone: Tone;
    offer_price_minor: number | null;
    /** Overrides `days` when given. */
    due_date?: string | undefined;
    title?: string | undefined;
    notes?: string | null | undefined;
  },
): Promise<Stored<Followup>> {
  return ctx.storage.followups.create({
    deal_id: deal.id,
    source: "deal",
    source_id: null,
    title: opts.title ?? `Follow up on ${dealAddress(deal) ?? deal.id}`,
    due_date: opts.due_date ?? addDays(today(ctx), opts.days),
    status: "open",
    stop_reason: null,
    sequence: opts.sequence,
    interval_days: opts.days,
    channel: opts.channel,
    tone: opts.tone,
    parent_id: opts.parent_id,
    draft_run_id: null,
    completed_at: null,
    offer_price_minor: opts.offer_price_minor,
    notes: opts.notes ?? null,
  });
}

/**
 * Complete a follow-up and apply the chain rules: a reply, a dead/closed deal or the end of the
 * sequence stops the chain; otherwise the next follow-up is due `interval_days` after today.
 * Returns `null` when the follow-up was not open (already completed: nothing happens twice).
 */
export async function completeFollowup(
  ctx: PipelineContext,
  id: string,
  opts: { replied: boolean },
): Promise<({ followup: Stored<Followup>; next: Stored<Followup> | null } & StopResult) | null> {
  const done = await transition(ctx, id, "done", opts.replied ? "replied" : null);
  if (!done) return null;
  const nothing = { next: null, stopped: [], cancelled: [] };
  if (done.source !== "deal" || !done.deal_id) return { followup: done, ...nothing };
  if (opts.replied) {
    return { followup: done, next: null, ...(await stopDealFollowups(ctx, done.deal_id, "replied")) };
  }
  const deal = await ctx.deps.deals.get(done.deal_id);
  if (!deal || INACTIVE_STAGES.has(deal.stage)) {
    return {
      followup: done,
      next: null,
      ...(await stopDealFollowups(ctx, done.deal_id, inactiveReason(deal))),
    };
  }
  if (done.sequence >= configOf(ctx).max_followups) return { followup: done, ...nothing };
  const next = await newFollowup(ctx, deal, {
    days: done.interval_days,
    sequence: done.sequence + 1,
    parent_id: done.id,
    channel: done.channel,
    tone: done.tone,
    offer_price_minor: done.offer_price_minor ?? null,
  });
  return { followup: done, next, stopped: [], cancelled: [] };
}

/** Why a deal's follow-ups stop: `deal_dead`, `deal_closed` or `deal_missing`. */
export const inactiveReason = (deal: PipelineDeal | null): string =>
  deal ? `deal_${deal.stage}` : "deal_missing";

/** Refuse to act on a run whose draft was cancelled. */
export function assertNotCancelled(run: Stored<Run>): void {
  if (run.send_status === "cancelled") {
    throw new ProblemError(
      409,
      "run-cancelled",
      `Run '${run.id}' was cancelled (${run.cancel_reason ?? "no reason"}); draft a new one`,
      { cancel_reason: run.cancel_reason ?? null },
    );
  }
}

const ALREADY_SENT = Symbol("already-sent");

/**
 * The outbound action behind "mark sent": record that the user sent the draft themselves — at any
 * hour: quiet hours shape when a draft is scheduled (`send_after`), never the record of a send
 * that already happened — with channel and result on the run, complete the
 * follow-up it answered (which chains the next one), and stop the chain on a reply. Idempotent.
 */
export async function applySent(
  ctx: PipelineContext,
  payload: { run_id: string; channel: Channel; result: SendResult; sent_at?: string | undefined },
): Promise<Stored<Run>> {
  const current = await ctx.storage.runs.require(payload.run_id);
  if (current.send_status === "sent") return current;
  assertNotCancelled(current);
  let run: Stored<Run>;
  try {
    run = await ctx.storage.runs.update(payload.run_id, (cur) => {
      if (cur.send_status === "sent") throw ALREADY_SENT;
      assertNotCancelled(cur);
      const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
      return {
        ...data,
        send_status: "sent",
        sent_at: payload.sent_at ?? ctx.now().toISOString(),
        sent_channel: payload.channel,
        result: payload.result,
      };
    });
  } catch (err) {
    if (err === ALREADY_SENT) return ctx.storage.runs.require(payload.run_id);
    throw err;
  }
  const replied = payload.result === "replied";
  if (run.for_followup_id) await completeFollowup(ctx, run.for_followup_id, { replied });
  else if (replied) await stopDealFollowups(ctx, run.deal_id, "replied");
  return run;
}
