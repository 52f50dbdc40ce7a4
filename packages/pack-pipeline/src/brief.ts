import { addDays, type BriefSection, type ReadinessItem, type SeedResult } from "@valhalla/runtime";
import { CHANNELS } from "./schemas.js";
import { createIfAbsent, today } from "./service.js";
import type { PipelineContext } from "./storage.js";

/** Days of runs the brief looks back over for "recent runs". */
const RECENT_DAYS = 14;

/** The pipeline's section of the daily brief: recent runs, due follow-ups and unsent drafts. */
export async function pipelineBrief(ctx: PipelineContext): Promise<BriefSection> {
  const day = today(ctx);
  const runs = [];
  // Run ids are partly deterministic (not time-sorted), so recency comes from the day index.
  for (let i = 0; i <= RECENT_DAYS && runs.length < 10; i++) {
    const page = await ctx.storage.runs.list({ where: { day: addDays(day, -i) }, limit: 500 });
    runs.push(...page.items.sort((a, b) => b.created_at.localeCompare(a.created_at)));
  }
  const recent = runs.slice(0, 10).map((r) => ({
    id: r.id,
    deal_id: r.deal_id,
    channel: r.channel,
    origin: r.origin,
    send_status: r.send_status,
    day: r.day,
  }));
  const due = [];
  for await (const fu of ctx.storage.followups.iterate({ where: { status: "open" }, order: "asc" })) {
    if (fu.due_date <= day)
      due.push({
        id: fu.id,
        title: fu.title,
        due_date: fu.due_date,
        source: fu.source,
        draft_run_id: fu.draft_run_id,
      });
  }
  const drafts = await ctx.storage.runs.count({ send_status: "draft" });
  return {
    title: "Pipeline",
    items: [
      { label: "Follow-ups due", value: due.length, href: "/pipeline/followups?status=open" },
      { label: "Drafts awaiting send", value: drafts, href: "/pipeline/runs?send_status=draft" },
      { label: "Recent runs", value: recent.length, href: "/pipeline/runs" },
    ],
    data: { recent_runs: recent, due_followups: due },
  };
}

/** Go-live checks: an active template for every channel. */
export async function pipelineReadiness(ctx: PipelineContext): Promise<ReadinessItem[]> {
  const items: ReadinessItem[] = [];
  for (const channel of CHANNELS) {
    const n = await ctx.storage.templates.count({ channel, active: true });
    items.push({
      id: `pipeline.template.${channel}`,
      label: `An active ${channel} template exists`,
      ok: n > 0,
      hint: `Create one with POST /pipeline/templates (channel '${channel}') or run POST /boot/seed_minimum.`,
    });
  }
  return items;
}

/**
 * The seeded email quotes the offer the user chose, never the MAO (the most the user would pay),
 * and signs with the configured sender; empty signature lines are dropped when rendering.
 */
export const DEFAULT_EMAIL_BODY =
  "Hi {{deal.seller_name}},\n\nI wanted to follow up on {{deal.address}}. Our offer is {{deal.offer_price}}. Would you like to talk this week?\n\n{{sender.name}}\n{{sender.company}}\n{{sender.phone}}\n{{sender.email}}";

const DEFAULTS = {
  sms: {
    subject: null,
    body: "Hi {{deal.seller_name}}, following up about {{deal.address}}. Are you still open to an offer?",
  },
  email: { subject: "About {{deal.address}}", body: DEFAULT_EMAIL_BODY },
  call_note: { subject: null, body: "Call {{deal.seller_name}} about {{deal.address}} (MAO {{deal.mao}})." },
} as const;

/** Seed one friendly default template per channel, under fixed ids so reseeding is a no-op. */
export async function pipelineSeed(ctx: PipelineContext): Promise<SeedResult> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const channel of CHANNELS) {
    const id = `tpl_default_${channel}`;
    const res = await createIfAbsent(
      () =>
        ctx.storage.templates.create(
          { name: `Default ${channel}`, channel, tone: "friendly", ...DEFAULTS[channel], active: true },
          { id },
        ),
      () => ctx.storage.templates.get(id),
    );
    (res.created ? created : existing).push(id);
  }
  return { created, existing };
}
