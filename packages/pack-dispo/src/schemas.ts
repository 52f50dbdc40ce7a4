import { CONDITIONS, PROPERTY_TYPES } from "@valhalla/pack-wholesale/refs";
import { currency, decimalString, isoDate, pageOf, requiredText, stored, text } from "@valhalla/runtime";
import * as v from "valibot";

export { CONDITIONS, PROPERTY_TYPES };
/** Investment strategies a buyer pursues (kept for filtering and outreach; not scored). */
export const STRATEGIES = ["flip", "rental", "brrrr", "wholetail", "new_build", "land_hold"] as const;
export const FUNDING = ["cash", "financed"] as const;
/** Assignment statuses: the live one is `offered` or `assigned`; `backup` waits in the deal's queue. */
export const ASSIGNMENT_STATUSES = ["backup", "offered", "assigned", "closed", "fallout"] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

const minor = v.pipe(v.number(), v.safeInteger());
const nminor = v.nullable(minor);

/** Stored buy box: what a buyer purchases, in minor units of the buyer's currency. */
export const BuyBox = v.object({
  /** Lower-cased market names (cities, metros, counties). */
  markets: v.array(v.string()),
  zips: v.array(v.string()),
  /** Empty means any type. */
  property_types: v.array(v.picklist(PROPERTY_TYPES)),
  min_price_minor: nminor,
  max_price_minor: nminor,
  strategies: v.array(v.picklist(STRATEGIES)),
  /** Empty means any condition. */
  conditions: v.array(v.picklist(CONDITIONS)),
  max_rehab_minor: nminor,
  funding: v.picklist(FUNDING),
});
export type BuyBox = v.InferOutput<typeof BuyBox>;

/** Stored buyer profile. */
export const Buyer = v.object({
  name: v.string(),
  email: v.nullable(v.string()),
  phone: v.nullable(v.string()),
  active: v.boolean(),
  currency: v.string(),
  buy_box: BuyBox,
  proof_of_funds: v.nullable(v.object({ amount_minor: minor, expires_on: v.string() })),
  notes: v.nullable(v.string()),
});
export type Buyer = v.InferOutput<typeof Buyer>;

/** Stored assignment of a deal to a buyer. */
export const Assignment = v.object({
  deal_id: v.string(),
  buyer_id: v.string(),
  status: v.picklist(ASSIGNMENT_STATUSES),
  /** Place in the deal's backup queue (1 = next), `null` unless `backup`. */
  position: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  currency: v.string(),
  assignment_price_minor: nminor,
  /** Derived when assigned: assignment price − the deal's contract price. */
  assignment_fee_minor: nminor,
  fallout_reason: v.nullable(v.string()),
  status_changed_at: v.string(),
  notes: v.nullable(v.string()),
});
export type Assignment = v.InferOutput<typeof Assignment>;

const pick = <const T extends readonly string[]>(list: T) =>
  v.picklist(list, `must be one of ${list.join(", ")}`);
const email = v.pipe(text(200), v.email("must be an email address"));
const phone = v.pipe(text(40), v.regex(/^\+?[0-9 ().-]{5,40}$/, "must be a phone number"));
const zip = v.pipe(text(10), v.regex(/^[A-Za-z0-9 -]{3,10}$/, "must be a postal code"));

const buyBoxFields = {
  markets: v.optional(v.pipe(v.array(requiredText(100)), v.maxLength(100)), []),
  zips: v.optional(v.pipe(v.array(zip), v.maxLength(500)), []),
  property_types: v.optional(v.array(pick(PROPERTY_TYPES)), []),
  min_price: v.optional(v.nullable(decimalString), null),
  max_price: v.optional(v.nullable(decimalString), null),
  strategies: v.optional(v.array(pick(STRATEGIES)), []),
  conditions: v.optional(v.array(pick(CONDITIONS)), []),
  max_rehab: v.optional(v.nullable(decimalString), null),
  funding: v.optional(pick(FUNDING), "cash"),
};

/** A buy box as it arrives (money as decimal strings); missing lists mean "any". */
export const BuyBoxInput = v.strictObject(buyBoxFields);
export type BuyBoxInput = v.InferOutput<typeof BuyBoxInput>;

const ProofOfFundsInput = v.strictObject({ amount: decimalString, expires_on: isoDate });

/** POST /dispo/buyers body. */
export const CreateBuyerBody = v.strictObject({
  name: requiredText(200),
  email: v.optional(v.nullable(email), null),
  phone: v.optional(v.nullable(phone), null),
  active: v.optional(v.boolean(), true),
  currency: v.optional(currency, "USD"),
  buy_box: v.optional(BuyBoxInput, {}),
  proof_of_funds: v.optional(v.nullable(ProofOfFundsInput), null),
  notes: v.optional(v.nullable(text(4000)), null),
});
export type CreateBuyerBody = v.InferOutput<typeof CreateBuyerBody>;

/** PATCH /dispo/buyers/:id body: any subset; `buy_box` replaces the whole box. */
export const PatchBuyerBody = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    email: v.optional(v.nullable(email)),
    phone: v.optional(v.nullable(phone)),
    active: v.optional(v.boolean()),
    buy_box: v.optional(BuyBoxInput),
    proof_of_funds: v.optional(v.nullable(ProofOfFundsInput)),
    notes: v.optional(v.nullable(text(4000))),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);
export type PatchBuyerBody = v.InferOutput<typeof PatchBuyerBody>;

/** POST /dispo/assignments body. */
export const CreateAssignmentBody = v.strictObject({
  deal_id: v.pipe(text(128), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a record id")),
  buyer_id: v.pipe(text(128), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a record id")),
  assignment_price: v.optional(v.nullable(decimalString), null),
  notes: v.optional(v.nullable(text(4000)), null),
});

/** PATCH /dispo/assignments/:id body. */
export const PatchAssignmentBody = v.pipe(
  v.strictObject({
    status: v.optional(pick(["assigned", "closed", "fallout"] as const)),
    assignment_price: v.optional(decimalString),
    reason: v.optional(requiredText(500)),
    notes: v.optional(v.nullable(text(4000))),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);
export type PatchAssignmentBody = v.InferOutput<typeof PatchAssignmentBody>;

// Response schemas (OpenAPI): what the routes answer, precise about types, open to extra fields.

/** A buyer as the API returns it: the stored fields plus id, rev and timestamps. */
export const BuyerRecord = stored(Buyer);
/** One page of buyers. */
export const BuyerPage = pageOf(BuyerRecord);
/** An assignment as the API returns it. */
export const AssignmentRecord = stored(Assignment);
/** GET /dispo/assignments/by-deal/:dealId: live first, then the backup queue, then closed and fallen out. */
export const DealAssignments = v.object({ items: v.array(AssignmentRecord) });

/** One scoring factor's contribution to a match. */
const MatchReason = v.object({
  factor: v.picklist(["location", "budget", "type", "funding", "proof_of_funds"]),
  points: v.pipe(v.number(), v.integer(), v.minValue(0)),
  max: v.pipe(v.number(), v.integer(), v.minValue(1)),
  reason: v.string(),
});

/** GET /dispo/deals/:dealId/matches. */
export const DealMatches = v.object({
  deal_id: v.string(),
  as_of: isoDate,
  currency: v.string(),
  asking_price_minor: nminor,
  matches: v.array(
    v.object({
      buyer_id: v.string(),
      name: v.string(),
      score: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
      reasons: v.array(MatchReason),
    }),
  ),
  excluded: v.array(v.object({ buyer_id: v.string(), name: v.string(), reason: v.string() })),
  inactive_buyers: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
