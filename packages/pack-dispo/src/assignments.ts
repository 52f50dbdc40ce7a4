import type { DealRecord } from "@valhalla/pack-wholesale/refs";
import { ConflictError, ProblemError, type Stored, todayIn } from "@valhalla/runtime";
import { askingPrice, type Reason, scoreBuyer } from "./matching.js";
import type { DispoApi } from "./refs.js";
import type { Assignment, AssignmentStatus, PatchAssignmentBody } from "./schemas.js";
import { checkStatusMove, fieldError, LIVE, money } from "./service.js";
import type { DispoContext } from "./storage.js";

/**
 * Assignment and matching operations over storage and wholesale's deals service. Every change to
 * a deal's assignments runs under one lock per deal, so the single live assignment and the
 * backup queue stay consistent across requests.
 * @module
 */

const LOCK_TTL_MS = 15_000;
const RANK: Record<AssignmentStatus, number> = { assigned: 0, offered: 0, backup: 1, closed: 2, fallout: 3 };

async function requireDeal(ctx: DispoContext, dealId: string, field?: string): Promise<Stored<DealRecord>> {
  const deal = await ctx.deps.deals.get(dealId);
  if (!deal) {
    throw new ProblemError(404, "not-found", `No deal '${dealId}'`, {
      ...(field ? { errors: [{ pointer: `/body/${field}`, field, message: "no such deal" }] } : {}),
    });
  }
  return deal;
}

const withDealLock = <T>(ctx: DispoContext, dealId: string, fn: () => Promise<T>): Promise<T> =>
  ctx.locks.withLock(`deal:${dealId}`, LOCK_TTL_MS, fn, { waitMs: 5_000 });

async function forDeal(ctx: DispoContext, dealId: string): Promise<Stored<Assignment>[]> {
  const out: Stored<Assignment>[] = [];
  for await (const a of ctx.storage.assignments.iterate({ where: { deal_id: dealId }, order: "asc" }))
    out.push(a);
  return out;
}

/** Offer a deal to a buyer: `offered` when the deal has no live assignment, else queued as `backup`. */
export async function createAssignment(
  ctx: DispoContext,
  body: { deal_id: string; buyer_id: string; assignment_price: string | null; notes: string | null },
): Promise<Stored<Assignment>> {
  const deal = await requireDeal(ctx, body.deal_id, "deal_id");
  const buyer = await ctx.storage.buyers.get(body.buyer_id);
  if (!buyer) {
    throw new ProblemError(404, "not-found", `No buyer '${body.buyer_id}'`, {
      errors: [{ pointer: "/body/buyer_id", field: "buyer_id", message: "no such buyer" }],
    });
  }
  if (!buyer.active) throw new ProblemError(409, "buyer-inactive", `Buyer '${buyer.id}' is inactive`);
  if (deal.stage !== "contract" && deal.stage !== "assignment") {
    throw new ProblemError(
      409,
      "deal-not-under-contract",
      `Deal '${deal.id}' is at '${deal.stage}'; buyers can be offered deals at 'contract' or 'assignment'`,
      { stage: deal.stage },
    );
  }
  if (buyer.currency !== deal.currency) {
    throw new ProblemError(
      409,
      "currency-mismatch",
      `Buyer buys in ${buyer.currency}, the deal is in ${deal.currency}`,
    );
  }
  const price =
    body.assignment_price === null ? null : money(body.assignment_price, deal.currency, "assignment_price");
  return withDealLock(ctx, deal.id, async () => {
    const existing = await forDeal(ctx, deal.id);
    const open: AssignmentStatus[] = ["backup", ...LIVE];
    if (existing.some((a) => a.buyer_id === buyer.id && open.includes(a.status))) {
      throw new ProblemError(
        409,
        "duplicate-assignment",
        `Buyer '${buyer.id}' already holds this deal or is queued for it`,
      );
    }
    const live = existing.some((a) => LIVE.includes(a.status));
    const last = Math.max(0, ...existing.map((a) => (a.status === "backup" ? (a.position ?? 0) : 0)));
    return ctx.storage.assignments.create({
      deal_id: deal.id,
      buyer_id: buyer.id,
      status: live ? "backup" : "offered",
      position: live ? last + 1 : null,
      currency: deal.currency,
      assignment_price_minor: price,
      assignment_fee_minor: null,
      fallout_reason: null,
      status_changed_at: ctx.now().toISOString(),
      notes: body.notes,
    });
  });
}

/**
 * Change an assignment. `assigned` moves the deal to 'assignment' with the price, `closed` closes
 * the deal, and a fallout of the live assignment puts the deal back to 'contract' (if it had been
 * assigned) and promotes the first backup to `offered`.
 */
export async function updateAssignment(
  ctx: DispoContext,
  id: string,
  body: PatchAssignmentBody,
  opts: { ifRev: number | undefined; actor: string },
): Promise<Stored<Assignment>> {
  const first = await ctx.storage.assignments.require(id);
  return withDealLock(ctx, first.deal_id, async () => {
    const cur = await ctx.storage.assignments.require(id);
    // Checked before touching the deal, so a stale client changes nothing anywhere.
    if (opts.ifRev !== undefined && cur.rev !== opts.ifRev) {
      throw new ConflictError(ctx.storage.assignments.namespace, id, opts.ifRev, cur.rev);
    }
    if (body.reason !== undefined && body.status !== "fallout") {
      throw fieldError("reason", "is only accepted with status 'fallout'");
    }
    const next: Assignment = { ...cur };
    if (body.notes !== undefined) next.notes = body.notes;
    if (body.assignment_price !== undefined) {
      if (cur.status !== "offered" && cur.status !== "backup") {
        throw new ProblemError(
          409,
          "price-locked",
          `The price of a '${cur.status}' assignment cannot change`,
          { assignment_status: cur.status },
        );
      }
      next.assignment_price_minor = money(body.assignment_price, cur.currency, "assignment_price");
    }
    const to = body.status;
    if (to) {
      checkStatusMove(cur.status, to, body.reason);
      const deal = await requireDeal(ctx, cur.deal_id);
      if (to === "assigned") {
        const price = next.assignment_price_minor;
        if (price === null) throw fieldError("assignment_price", "is required to assign (none on file)");
        await ctx.deps.deals.transition(deal.id, "assignment", {
          assignment_price_minor: price,
          actor: opts.actor,
        });
        next.assignment_fee_minor =
          deal.contract_price_minor === null ? null : price - deal.contract_price_minor;
      } else if (to === "closed") {
        await ctx.deps.deals.transition(deal.id, "closed", { actor: opts.actor });
      } else if (cur.status === "assigned" && deal.stage === "assignment") {
        await ctx.deps.deals.transition(deal.id, "contract", { actor: opts.actor, reason: body.reason! });
      }
      next.status = to;
      next.status_changed_at = ctx.now().toISOString();
      if (to === "fallout") {
        next.fallout_reason = body.reason!;
        next.position = null;
      }
    }
    const saved = await ctx.storage.assignments.update(id, next, { ifRev: cur.rev });
    if (to === "fallout") await reorderQueue(ctx, cur.deal_id, LIVE.includes(cur.status));
    if (to === "closed") await releaseBackups(ctx, cur.deal_id);
    return saved;
  });
}

/** Renumber the backup queue from 1; when `promote`, the first backup becomes the live offer. */
async function reorderQueue(ctx: DispoContext, dealId: string, promote: boolean): Promise<void> {
  const queue = (await forDeal(ctx, dealId))
    .filter((a) => a.status === "backup")
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const at = ctx.now().toISOString();
  let pos = 0;
  for (const [i, a] of queue.entries()) {
    if (promote && i === 0) {
      await ctx.storage.assignments.update(a.id, {
        status: "offered",
        position: null,
        status_changed_at: at,
      });
      continue;
    }
    pos++;
    if (a.position !== pos) await ctx.storage.assignments.update(a.id, { position: pos });
  }
}

/** Once a deal closes, its queued backups can no longer buy it. */
async function releaseBackups(ctx: DispoContext, dealId: string): Promise<void> {
  const at = ctx.now().toISOString();
  for (const a of await forDeal(ctx, dealId)) {
    if (a.status !== "backup") continue;
    await ctx.storage.assignments.update(a.id, {
      status: "fallout",
      position: null,
      fallout_reason: "deal closed with another buyer",
      status_changed_at: at,
    });
  }
}

/** A deal's assignments: the live one first, then backups in queue order, then closed and fallen out. */
export async function assignmentsByDeal(ctx: DispoContext, dealId: string): Promise<Stored<Assignment>[]> {
  await requireDeal(ctx, dealId);
  return (await forDeal(ctx, dealId)).sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      (a.position ?? 0) - (b.position ?? 0) ||
      a.created_at.localeCompare(b.created_at),
  );
}

/** One ranked buyer. */
export interface Match {
  readonly buyer_id: string;
  readonly name: string;
  readonly score: number;
  readonly reasons: readonly Reason[];
}

/** Rank active buyers for a deal; buyers with expired proof of funds are listed as excluded. */
export async function matchDeal(
  ctx: DispoContext,
  dealId: string,
  opts: { minScore?: number; limit?: number } = {},
) {
  const deal = await requireDeal(ctx, dealId);
  const today = todayIn(ctx.timezone, ctx.now());
  const matches: Match[] = [];
  const excluded: { buyer_id: string; name: string; reason: string }[] = [];
  for await (const buyer of ctx.storage.buyers.iterate({ where: { active: true } })) {
    const res = scoreBuyer(buyer, deal, today);
    if (res.excluded) excluded.push({ buyer_id: buyer.id, name: buyer.name, reason: res.reason });
    else if (res.score >= (opts.minScore ?? 0))
      matches.push({ buyer_id: buyer.id, name: buyer.name, score: res.score, reasons: res.reasons });
  }
  matches.sort(
    (a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.buyer_id.localeCompare(b.buyer_id),
  );
  return {
    deal_id: deal.id,
    as_of: today,
    currency: deal.currency,
    asking_price_minor: askingPrice(deal),
    matches: matches.slice(0, opts.limit ?? 50),
    excluded,
    inactive_buyers: await ctx.storage.buyers.count({ active: false }),
  };
}

/** The `buyers` service other packs call through `dispoService`. */
export function makeDispoApi(ctx: DispoContext): DispoApi {
  return { matches: async (dealId, options = {}) => (await matchDeal(ctx, dealId, options)).matches };
}
