import { ProblemError, parseMoney } from "@valhalla/runtime";
import type {
  AssignmentStatus,
  BuyBox,
  BuyBoxInput,
  Buyer,
  CreateBuyerBody,
  PatchBuyerBody,
} from "./schemas.js";

/**
 * Pure dispo rules: assignment status moves and turning buyer input into stored money.
 * @module
 */

const NEXT: Readonly<Record<AssignmentStatus, readonly AssignmentStatus[]>> = {
  backup: ["fallout"],
  offered: ["assigned", "fallout"],
  assigned: ["closed", "fallout"],
  closed: [],
  fallout: [],
};

/** Statuses an assignment may move to from `status`. */
export function allowedStatuses(status: AssignmentStatus): AssignmentStatus[] {
  return [...NEXT[status]];
}

/**
 * Check a status move.
 * @throws ProblemError 409 `illegal-transition` with `allowed`; 400 when fallout has no reason
 */
export function checkStatusMove(
  from: AssignmentStatus,
  to: AssignmentStatus,
  reason: string | undefined,
): void {
  const allowed = allowedStatuses(from);
  if (!allowed.includes(to)) {
    throw new ProblemError(
      409,
      "illegal-transition",
      `Cannot move an assignment from '${from}' to '${to}'; allowed: ${allowed.length ? allowed.map((s) => `'${s}'`).join(", ") : "none (final status)"}`,
      { from, to, allowed },
    );
  }
  if (to === "fallout" && !reason) throw fieldError("reason", "is required when the status is 'fallout'");
}

/** Live statuses: at most one per deal. */
export const LIVE: readonly AssignmentStatus[] = ["offered", "assigned"];

/** A 400 problem naming one body field. */
export function fieldError(field: string, message: string): ProblemError {
  return new ProblemError(400, "validation-failed", `Invalid body: '${field}' ${message}`, {
    errors: [{ pointer: `/body/${field.replace(/\./g, "/")}`, field, message }],
  });
}

/** Parse a non-negative decimal string in `currency`, or a 400 naming `field`. */
export function money(value: string, currency: string, field: string): number {
  let minor: number;
  try {
    minor = parseMoney(value, currency).amount_minor;
  } catch (err) {
    throw fieldError(field, err instanceof Error ? err.message : String(err));
  }
  if (minor < 0) throw fieldError(field, "must not be negative");
  return minor;
}

const optMoney = (value: string | null, currency: string, field: string) =>
  value === null ? null : money(value, currency, field);

/** A buy box as stored: money in minor units, markets lower-cased, ZIPs upper-cased, lists deduplicated. */
export function toBuyBox(input: BuyBoxInput, currency: string): BuyBox {
  const box: BuyBox = {
    markets: [...new Set(input.markets.map((m) => m.toLowerCase()))],
    zips: [...new Set(input.zips.map((z) => z.trim().toUpperCase()))],
    property_types: [...new Set(input.property_types)],
    min_price_minor: optMoney(input.min_price, currency, "buy_box.min_price"),
    max_price_minor: optMoney(input.max_price, currency, "buy_box.max_price"),
    strategies: [...new Set(input.strategies)],
    conditions: [...new Set(input.conditions)],
    max_rehab_minor: optMoney(input.max_rehab, currency, "buy_box.max_rehab"),
    funding: input.funding,
  };
  if (
    box.min_price_minor !== null &&
    box.max_price_minor !== null &&
    box.min_price_minor > box.max_price_minor
  ) {
    throw fieldError("buy_box.max_price", "must not be below buy_box.min_price");
  }
  return box;
}

/** A new buyer record from a create body. */
export function toBuyer(body: CreateBuyerBody): Buyer {
  return {
    name: body.name,
    email: body.email,
    phone: body.phone,
    active: body.active,
    currency: body.currency,
    buy_box: toBuyBox(body.buy_box, body.currency),
    proof_of_funds: body.proof_of_funds
      ? {
          amount_minor: money(body.proof_of_funds.amount, body.currency, "proof_of_funds.amount"),
          expires_on: body.proof_of_funds.expires_on,
        }
      : null,
    notes: body.notes,
  };
}

/** A buyer with a patch applied (the buy box is replaced whole). */
export function patchBuyer(cur: Buyer, body: PatchBuyerBody): Buyer {
  const next: Buyer = { ...cur };
  if (body.name !== undefined) next.name = body.name;
  if (body.email !== undefined) next.email = body.email;
  if (body.phone !== undefined) next.phone = body.phone;
  if (body.active !== undefined) next.active = body.active;
  if (body.notes !== undefined) next.notes = body.notes;
  if (body.buy_box !== undefined) next.buy_box = toBuyBox(body.buy_box, cur.currency);
  if (body.proof_of_funds !== undefined) {
    next.proof_of_funds = body.proof_of_funds
      ? {
          amount_minor: money(body.proof_of_funds.amount, cur.currency, "proof_of_funds.amount"),
          expires_on: body.proof_of_funds.expires_on,
        }
      : null;
  }
  return next;
}
