import { addDays, type Stored } from "@valhalla/runtime";
import type { PipelineDeal } from "./contracts.js";
import { dealAddress } from "./merge-fields.js";
import { type Channel, type Followup, type Run, type TONES, UNSENT_STATUSES } from "./schemas.js";
import { configOf, INACTIVE_STAGES, today } from "./service.js";
import type { PipelineContext } from "./storage.js";

/**
 * Follow-up chains: creating, completing and stopping follow-ups, and cancelling the drafts a
 * stopped chain leaves unsent.
 * @module
 */

type Tone = (typeof TONES)[number];

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
    redrafts: 0,
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
