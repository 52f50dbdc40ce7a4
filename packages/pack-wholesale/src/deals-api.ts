import { moneyText, ProblemError, type Stored, todayIn } from "@valhalla/runtime";
import type { DealsApi } from "./refs.js";
import type { Activity, CreateDealBody, Deal, PatchDealBody, Stage } from "./schemas.js";
import {
  applyTransition,
  blankDeal,
  SPREAD_STAGES,
  STAGES,
  type TransitionOptions,
  toStoredFields,
  withSpread,
} from "./service.js";
import type { WholesaleContext } from "./storage.js";

/**
 * Deal operations over storage, shared by the routes and the `deals` service so both follow the
 * same rules and write the same activity entries.
 * @module
 */

type ActivityData = Activity["data"];

/** Append one entry to a deal's activity log. */
export function logActivity(
  ctx: WholesaleContext,
  dealId: string,
  entry: { type: Activity["type"]; description: string; actor: string; data?: ActivityData },
): Promise<Stored<Activity>> {
  return ctx.storage.activities.create({
    deal_id: dealId,
    type: entry.type,
    description: entry.description,
    actor: entry.actor,
    at: ctx.now().toISOString(),
    data: entry.data ?? null,
  });
}

/** Create a deal at `lead` and log it. */
export async function createDeal(
  ctx: WholesaleContext,
  body: CreateDealBody,
  actor: string,
): Promise<Stored<Deal>> {
  const { currency, ...fields } = body;
  const at = ctx.now().toISOString();
  const deal = await ctx.storage.deals.create(
    withSpread({ ...blankDeal(currency, at), ...toStoredFields(fields, currency) }),
  );
  await logActivity(ctx, deal.id, { type: "created", description: "Deal created at 'lead'", actor });
  return deal;
}

/** Change fields (never the stage or the derived spread). */
export async function patchDeal(
  ctx: WholesaleContext,
  id: string,
  body: PatchDealBody,
  ifRev: number | undefined,
): Promise<Stored<Deal>> {
  return ctx.storage.deals.update(
    id,
    (cur) => withSpread({ ...cur, ...toStoredFields(body, cur.currency) }),
    { ifRev },
  );
}

/** Move a deal to another stage and log the move with its actor. */
export async function transitionDeal(
  ctx: WholesaleContext,
  id: string,
  to: Stage,
  opts: TransitionOptions & { actor: string; ifRev?: number | undefined },
): Promise<Stored<Deal>> {
  let from: Stage = "lead";
  const at = ctx.now().toISOString();
  const deal = await ctx.storage.deals.update(
    id,
    (cur) => {
      from = cur.stage;
      return applyTransition(cur, to, opts, at);
    },
    { ifRev: opts.ifRev },
  );
  await logActivity(ctx, id, {
    type: "stage_change",
    description: `Stage '${from}' → '${to}'${opts.reason ? `: ${opts.reason}` : ""}`,
    actor: opts.actor,
    data: { from, to, reason: opts.reason ?? null },
  });
  return deal;
}

/** Counts per stage through the stage index; expected spread summed over open deals only. */
export async function pipelineSummary(ctx: WholesaleContext) {
  const stages: Record<string, { count: number; expected_spread_minor: Record<string, number> }> = {};
  const total: Record<string, number> = {};
  let count = 0;
  for (const stage of STAGES) {
    const n = await ctx.storage.deals.count({ stage });
    const spread: Record<string, number> = {};
    // Closed and dead deals are never read: their spread is no longer expected.
    if (n > 0 && SPREAD_STAGES.includes(stage)) {
      for await (const d of ctx.storage.deals.iterate({ where: { stage } })) {
        if (d.expected_spread_minor === null) continue;
        spread[d.currency] = (spread[d.currency] ?? 0) + d.expected_spread_minor;
        total[d.currency] = (total[d.currency] ?? 0) + d.expected_spread_minor;
      }
    }
    stages[stage] = { count: n, expected_spread_minor: spread };
    count += n;
  }
  return {
    as_of: todayIn(ctx.timezone, ctx.now()),
    stages,
    totals: { count, open_expected_spread_minor: total },
  };
}

/** The `deals` service other packs call through `dealsService`. */
export function makeDealsApi(ctx: WholesaleContext): DealsApi {
  return {
    get: (id) => ctx.storage.deals.get(id),
    list: ({ cursor, limit, ...where } = {}) => ctx.storage.deals.list({ where, cursor, limit }),
    async attachProperty(id, p) {
      const deal = await ctx.storage.deals.update(id, (cur) =>
        withSpread({
          ...cur,
          property_id: p.property_id,
          property_address: p.address ?? cur.property_address,
          property_zip: p.zip ?? cur.property_zip,
          property_type: p.property_type ?? cur.property_type,
          arv_minor: p.arv_minor ?? cur.arv_minor,
          repair_estimate_minor: p.repair_estimate_minor ?? cur.repair_estimate_minor,
        }),
      );
      await logActivity(ctx, id, {
        type: "property_attached",
        description: `Property '${p.property_id}' attached`,
        actor: p.actor ?? "system",
        data: { property_id: p.property_id },
      });
      return deal;
    },
    async recordUnderwriting(id, r) {
      if (!Number.isSafeInteger(r.mao_minor)) {
        throw new ProblemError(400, "invalid-value", "mao_minor must be a safe integer of minor units");
      }
      let version = 0;
      const deal = await ctx.storage.deals.update(id, (cur) => {
        if (cur.currency !== r.currency) {
          throw new ProblemError(
            409,
            "currency-mismatch",
            `The deal is in ${cur.currency}, the underwriting in ${r.currency}`,
            { deal_currency: cur.currency, currency: r.currency },
          );
        }
        version = (cur.underwriting?.version ?? 0) + 1;
        return withSpread({
          ...cur,
          mao_minor: r.mao_minor,
          underwriting: {
            version,
            mao_minor: r.mao_minor,
            model: r.model,
            inputs: { ...(r.inputs ?? {}) },
            source: r.source ?? "underwriter",
            recorded_at: ctx.now().toISOString(),
          },
        });
      });
      await logActivity(ctx, id, {
        type: "underwriting",
        description: `Underwriting v${version} (${r.model}): MAO ${moneyText({ amount_minor: r.mao_minor, currency: r.currency })}`,
        actor: r.actor ?? "system",
        data: { version, mao_minor: r.mao_minor, model: r.model },
      });
      return deal;
    },
    transition: (id, to, o = {}) =>
      transitionDeal(ctx, id, to, {
        reason: o.reason,
        assignment_price_minor: o.assignment_price_minor,
        actor: o.actor ?? "system",
      }),
  };
}
