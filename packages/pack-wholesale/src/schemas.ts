import {
  currency,
  decimalString,
  isoDate,
  pageOf,
  requiredText,
  stored,
  text,
  timeZone,
} from "@valhalla/runtime";
import * as v from "valibot";
import { CONDITIONS, PROPERTY_TYPES } from "./refs.js";

export { CONDITIONS, PROPERTY_TYPES };

/** Pipeline stages, in order, plus the two side states. */
export const STAGES = ["lead", "offer", "contract", "assignment", "closed", "dead", "on_hold"] as const;
/** A deal's stage. */
export type Stage = (typeof STAGES)[number];
/** Stages a deal can be held from and resumed to. */
export const OPEN_STAGES = ["lead", "offer", "contract", "assignment"] as const;
export const EXIT_STRATEGIES = ["assignment", "double_close"] as const;
/** Activity types a user may log; the pack itself writes `created`, `stage_change`, `property_attached`, `underwriting`. */
export const USER_ACTIVITY_TYPES = [
  "note",
  "call",
  "sms",
  "email",
  "meeting",
  "offer_sent",
  "other",
] as const;
export const SYSTEM_ACTIVITY_TYPES = [
  "created",
  "stage_change",
  "property_attached",
  "underwriting",
] as const;

const minor = v.nullable(v.pipe(v.number(), v.safeInteger()));
const nstr = v.nullable(v.string());

/** The latest underwriting written onto a deal (each write bumps `version`; history is in the activity log). */
const Underwriting = v.object({
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  mao_minor: v.pipe(v.number(), v.safeInteger()),
  model: v.string(),
  inputs: v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()])),
  source: v.string(),
  recorded_at: v.string(),
});

/** Stored deal (the seed's "pipeline"). `expected_spread_minor` and `spread_basis` are derived. */
export const Deal = v.object({
  stage: v.picklist(STAGES),
  /** Stage the deal was held from while `on_hold`. */
  held_from: v.nullable(v.picklist(OPEN_STAGES)),
  dead_reason: nstr,
  stage_changed_at: v.string(),
  lead_source: nstr,
  seller_motivation: nstr,
  /** Seller contact, for follow-up messages (never shown on the partner board). */
  seller_name: nstr,
  seller_phone: nstr,
  seller_email: nstr,
  /** The seller's IANA zone; outbound messages respect quiet hours there. */
  seller_timezone: nstr,
  currency: v.string(),
  arv_minor: minor,
  mao_minor: minor,
  assignment_fee_target_minor: minor,
  contract_price_minor: minor,
  assignment_price_minor: minor,
  repair_estimate_minor: minor,
  expected_spread_minor: minor,
  spread_basis: v.nullable(v.picklist(["mao", "assignment"])),
  inspection_date: nstr,
  emd_date: nstr,
  closing_date: nstr,
  exit_strategy: v.nullable(v.picklist(EXIT_STRATEGIES)),
  partner_id: nstr,
  next_action: nstr,
  next_action_date: nstr,
  external_deal_id: nstr,
  property_id: nstr,
  property_address: nstr,
  property_zip: nstr,
  market: nstr,
  property_type: v.nullable(v.picklist(PROPERTY_TYPES)),
  condition: v.nullable(v.picklist(CONDITIONS)),
  underwriting: v.nullable(Underwriting),
  notes: nstr,
});
export type Deal = v.InferOutput<typeof Deal>;

/** Stored activity (append-only). */
export const Activity = v.object({
  deal_id: v.string(),
  type: v.picklist([...USER_ACTIVITY_TYPES, ...SYSTEM_ACTIVITY_TYPES]),
  description: v.string(),
  actor: v.string(),
  at: v.string(),
  data: v.nullable(v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()]))),
});
export type Activity = v.InferOutput<typeof Activity>;

const pick = <const T extends readonly string[]>(list: T) =>
  v.picklist(list, `must be one of ${list.join(", ")}`);
const opt = <S extends v.GenericSchema>(s: S) => v.optional(v.nullable(s), null);
const zip = v.pipe(text(10), v.regex(/^[A-Za-z0-9 -]{3,10}$/, "must be a postal code"));

/** Editable deal fields as they arrive (money as decimal strings). */
const dealFields = {
  lead_source: text(100),
  seller_motivation: text(2000),
  seller_name: text(200),
  seller_phone: v.pipe(text(40), v.regex(/^\+?[0-9 ().-]{5,40}$/, "must be a phone number")),
  seller_email: v.pipe(text(254), v.email("must be an email address")),
  seller_timezone: timeZone,
  arv: decimalString,
  mao: decimalString,
  assignment_fee_target: decimalString,
  contract_price: decimalString,
  assignment_price: decimalString,
  repair_estimate: decimalString,
  inspection_date: isoDate,
  emd_date: isoDate,
  closing_date: isoDate,
  exit_strategy: pick(EXIT_STRATEGIES),
  partner_id: text(100),
  next_action: text(500),
  next_action_date: isoDate,
  external_deal_id: text(100),
  property_id: text(100),
  property_address: text(300),
  property_zip: zip,
  market: text(100),
  property_type: pick(PROPERTY_TYPES),
  condition: pick(CONDITIONS),
  notes: text(4000),
};

type Fields = typeof dealFields;

/** POST /wholesale body. The stage always starts at `lead`; the spread is never accepted. */
export const CreateDealBody = v.strictObject({
  currency: v.optional(currency, "USD"),
  ...(Object.fromEntries(Object.entries(dealFields).map(([k, s]) => [k, opt(s)])) as {
    [K in keyof Fields]: v.OptionalSchema<v.NullableSchema<Fields[K], undefined>, null>;
  }),
});
export type CreateDealBody = v.InferOutput<typeof CreateDealBody>;

/** PATCH /wholesale/:id body: any subset; `null` clears a field. Stage moves go through `/stage`. */
export const PatchDealBody = v.pipe(
  v.strictObject(
    Object.fromEntries(Object.entries(dealFields).map(([k, s]) => [k, v.optional(v.nullable(s))])) as {
      [K in keyof Fields]: v.OptionalSchema<v.NullableSchema<Fields[K], undefined>, undefined>;
    },
  ),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);
export type PatchDealBody = v.InferOutput<typeof PatchDealBody>;

/** POST /wholesale/:id/stage body. */
export const StageBody = v.strictObject({
  to: pick(STAGES),
  reason: v.optional(requiredText(500)),
});

/** POST /wholesale/:id/activities body. */
export const ActivityBody = v.strictObject({
  type: pick(USER_ACTIVITY_TYPES),
  description: requiredText(4000),
});

// Response schemas (OpenAPI): what the routes answer, precise about types, open to extra fields.

const int = v.pipe(v.number(), v.safeInteger());

/** A deal as the API returns it: the stored fields plus id, rev and timestamps. */
export const DealRecord = stored(Deal);
/** One page of deals. */
export const DealPage = pageOf(DealRecord);
/** An activity log entry as the API returns it. */
export const ActivityRecord = stored(Activity);
/** One page of a deal's activity log. */
export const ActivityPage = pageOf(ActivityRecord);

/** GET /wholesale/summary. */
export const PipelineSummary = v.object({
  as_of: isoDate,
  stages: v.record(v.string(), v.object({ count: int, expected_spread_minor: v.record(v.string(), int) })),
  totals: v.object({ count: int, open_expected_spread_minor: v.record(v.string(), int) }),
});

/** A deal on the JV partner board: partner-visible fields only (see `BOARD_FIELDS`). */
export const BoardDeal = v.object({
  id: v.string(),
  stage: v.picklist(STAGES),
  property_address: v.nullable(v.string()),
  property_zip: v.nullable(v.string()),
  market: v.nullable(v.string()),
  property_type: v.nullable(v.picklist(PROPERTY_TYPES)),
  condition: v.nullable(v.picklist(CONDITIONS)),
  currency: v.string(),
  arv_minor: v.nullable(int),
  repair_estimate_minor: v.nullable(int),
  exit_strategy: v.nullable(v.picklist(EXIT_STRATEGIES)),
  closing_date: v.nullable(v.string()),
  updated_at: v.string(),
});

/** GET /wholesale/board: one partner's page of board deals. */
export const PartnerBoard = v.object({
  partner_id: v.string(),
  items: v.array(BoardDeal),
  next_cursor: v.nullable(v.string()),
});
