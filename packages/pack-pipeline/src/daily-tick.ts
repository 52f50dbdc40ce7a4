import { addDays, formatMoney } from "@valhalla/runtime";
import type { PipelineDeal } from "./contracts.js";
import { inactiveReason, stopDealFollowups } from "./followup-chain.js";
import {
  configOf,
  createIfAbsent,
  digest,
  draftRun,
  INACTIVE_STAGES,
  pickTemplate,
  today,
} from "./service.js";
import type { PipelineContext } from "./storage.js";

/** What one daily tick did. */
export interface DailyTickReport {
  readonly day: string;
  /** Follow-ups created from bill reminders. */
  readonly imported: string[];
  /** Runs (drafts) created for due follow-ups. */
  readonly drafted: string[];
  /** Due follow-ups that already had a draft. */
  readonly already_drafted: string[];
  /** Follow-ups stopped because their deal is dead, closed or gone (due or not). */
  readonly stopped: string[];
  /** Unsent drafts cancelled with them. */
  readonly cancelled: string[];
  readonly skipped: { followup_id: string; reason: string }[];
  /** Drafts made differently from the follow-up's wish (its tone had no active template). */
  readonly warnings: { followup_id: string; code: string; message: string }[];
  /** Due follow-ups left for the next tick because of `limit`. */
  deferred: number;
}

/**
 * The daily tick, shared by the scheduled job, `POST /pipeline/daily_tick` and the pack's
 * `daily()` hook. Safe to run any number of times a day: imported follow-ups and drafts have
 * ids derived from their source (reminder id; follow-up id + day) and are created only if absent.
 */
export async function dailyTick(
  ctx: PipelineContext,
  opts: { limit?: number } = {},
): Promise<DailyTickReport> {
  const cfg = configOf(ctx);
  const limit = opts.limit ?? cfg.tick_limit;
  const day = today(ctx);
  const report: DailyTickReport = {
    day,
    imported: [],
    drafted: [],
    already_drafted: [],
    stopped: [],
    cancelled: [],
    skipped: [],
    warnings: [],
    deferred: 0,
  };

  const bills = ctx.deps.bills;
  if (bills) {
    for (const r of await bills.remindersSince(addDays(day, -cfg.reminder_lookback_days))) {
      const id = `fu_b${digest(`bills:${r.id}`)}`;
      const amount =
        r.amount_minor === null
          ? ""
          : ` (${formatMoney({ amount_minor: r.amount_minor, currency: r.currency })} ${r.currency})`;
      const { created } = await createIfAbsent(
        () =>
          ctx.storage.followups.create(
            {
              deal_id: null,
              source: "bill_reminder",
              source_id: r.id,
              title: `Pay ${r.bill_name}${amount}, due ${r.due_date}`,
              due_date: r.due_date,
              status: "open",
              stop_reason: null,
              sequence: 1,
              interval_days: 0,
              channel: "call_note",
              tone: "friendly",
              parent_id: null,
              draft_run_id: null,
              completed_at: null,
              redrafts: 0,
              offer_price_minor: null,
              notes: null,
            },
            { id },
          ),
        () => ctx.storage.followups.get(id),
      );
      if (created) report.imported.push(id);
    }
  }

  // One read per deal per tick, however many of its follow-ups are open.
  const deals = new Map<string, Promise<PipelineDeal | null>>();
  const dealOf = (id: string) => {
    let deal = deals.get(id);
    if (!deal) deals.set(id, (deal = ctx.deps.deals.get(id)));
    return deal;
  };
  for await (const fu of ctx.storage.followups.iterate({ where: { status: "open" }, order: "asc" })) {
    if (fu.source !== "deal" || !fu.deal_id) continue;
    // The deal is checked before anything else: a drafted or not-yet-due follow-up of a dead deal
    // must stop too, or it would be listed as due (and its draft as awaiting send) forever.
    const deal = await dealOf(fu.deal_id);
    if (!deal || INACTIVE_STAGES.has(deal.stage)) {
      const out = await stopDealFollowups(ctx, fu.deal_id, inactiveReason(deal));
      report.stopped.push(...out.stopped);
      report.cancelled.push(...out.cancelled);
      continue;
    }
    if (fu.due_date > day) continue;
    if (fu.draft_run_id) {
      report.already_drafted.push(fu.id);
      continue;
    }
    if (report.drafted.length >= limit) {
      report.deferred++;
      continue;
    }
    const { template, warnings } = await pickTemplate(ctx, { channel: fu.channel, tone: fu.tone });
    report.warnings.push(...warnings.map((w) => ({ followup_id: fu.id, code: w.code, message: w.message })));
    if (!template) {
      report.skipped.push({ followup_id: fu.id, reason: `no active ${fu.channel} template` });
      continue;
    }
    // A draft whose approval was rejected keeps its id; the next one counts on (`_r1`, `_r2` …).
    const redrafts = fu.redrafts ?? 0;
    const runId = `run_${fu.id}_${day.replaceAll("-", "")}${redrafts > 0 ? `_r${redrafts}` : ""}`;
    const { created } = await createIfAbsent(
      () =>
        ctx.storage.runs.create(
          draftRun(
            ctx,
            deal,
            template,
            {
              origin: "daily_tick",
              for_followup_id: fu.id,
              next_followup_id: null,
            },
            fu.offer_price_minor ?? null,
          ),
          { id: runId },
        ),
      () => ctx.storage.runs.get(runId),
    );
    await ctx.storage.followups.update(fu.id, (cur) => {
      const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...data } = cur;
      return { ...data, draft_run_id: cur.draft_run_id ?? runId };
    });
    if (created) report.drafted.push(runId);
    else report.already_drafted.push(fu.id);
  }
  return report;
}
