import { NotFoundError, ProblemError, parseMoney, type Stored } from "@valhalla/runtime";
import type { LiabilityBalance } from "./schemas.js";
import type { HoldingsContext } from "./storage.js";
import { updateAsset } from "./summary-index.js";

// A liability's balance changes as it is paid down. Each balance is kept by day
// (`lbal_<liability>_<date>`, so a second balance for a day corrects the first); the liability
// record and its holding's totals follow the latest one, as they did when it was recorded.

/** The id of a liability's balance on a day. */
export const balanceId = (liabilityId: string, asOf: string) => `lbal_${liabilityId}_${asOf}`;

async function upsert(ctx: HoldingsContext, data: LiabilityBalance): Promise<Stored<LiabilityBalance>> {
  const id = balanceId(data.liability_id, data.as_of);
  const cur = await ctx.storage.liability_balances.get(id);
  return cur
    ? ctx.storage.liability_balances.update(id, data, { ifRev: cur.rev })
    : ctx.storage.liability_balances.create(data, { id });
}

/** Keep the first balance of a new liability, so its history starts where it did. @internal */
export function recordOpeningBalance(
  ctx: HoldingsContext,
  l: Stored<{ asset_id: string; balance_minor: number; currency: string; as_of: string }>,
) {
  return upsert(ctx, {
    liability_id: l.id,
    asset_id: l.asset_id,
    balance_minor: l.balance_minor,
    currency: l.currency,
    as_of: l.as_of,
  });
}

/** Record a liability's balance on a day; a later day than the current one becomes current. */
export async function recordBalance(
  ctx: HoldingsContext,
  assetId: string,
  liabilityId: string,
  body: { balance: string; currency?: string | undefined; as_of: string },
): Promise<Stored<LiabilityBalance>> {
  await ctx.storage.assets.require(assetId);
  const found = await ctx.storage.liabilities.get(liabilityId);
  if (!found || found.asset_id !== assetId) throw new NotFoundError("liabilities", liabilityId);
  const field = (name: string, status: number, code: string, message: string) =>
    new ProblemError(status, code, `Invalid body: '${name}' ${message}`, {
      errors: [{ pointer: `/body/${name}`, field: name, message }],
    });
  if (body.currency !== undefined && body.currency !== found.currency)
    throw field("currency", 422, "currency-mismatch", `must be the liability's currency ${found.currency}`);
  const { amount_minor } = parseMoney(body.balance, found.currency);
  if (amount_minor < 0)
    throw field("balance", 400, "validation-failed", "must not be negative (0 when paid off)");
  return ctx.locks.withLock(`liability:${liabilityId}`, 10_000, async () => {
    const l = await ctx.storage.liabilities.require(liabilityId);
    // A liability recorded before balances were kept gets its opening balance first.
    if ((await ctx.storage.liability_balances.count({ liability_id: l.id })) === 0)
      await recordOpeningBalance(ctx, l);
    const saved = await upsert(ctx, {
      liability_id: l.id,
      asset_id: l.asset_id,
      balance_minor: amount_minor,
      currency: l.currency,
      as_of: body.as_of,
    });
    if (body.as_of >= l.as_of) {
      const delta = amount_minor - l.balance_minor;
      await ctx.storage.liabilities.update(l.id, { balance_minor: amount_minor, as_of: body.as_of });
      if (delta !== 0)
        await updateAsset(ctx, assetId, (cur) => ({
          ...cur,
          liabilities: { ...cur.liabilities, [l.currency]: (cur.liabilities[l.currency] ?? 0) + delta },
        }));
    }
    return saved;
  });
}
