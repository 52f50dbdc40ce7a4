import { currency, decimalString, idParam, isoDate, requiredText, text } from "@valhalla/runtime";
import * as v from "valibot";

/**
 * Kinds of property: wholesale's vocabulary (`PROPERTY_TYPES` of `@valhalla/pack-wholesale/refs`),
 * repeated here so underwriter runs without wholesale installed; a test keeps the two equal, and the
 * type travels to the deal when a property is attached.
 */
export const PROPERTY_TYPES = [
  "sfh",
  "multi_family",
  "condo",
  "townhouse",
  "mobile",
  "land",
  "commercial",
  "other",
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** The name underwriter used for `sfh` before 0.2; still accepted on input and read as `sfh`. */
const LEGACY_SFH = "single_family";

/** A property type on input: the shared vocabulary, or the legacy `single_family` (stored as `sfh`). */
export const propertyType = v.union(
  [
    v.picklist(PROPERTY_TYPES),
    v.pipe(
      v.literal(LEGACY_SFH),
      v.transform((): PropertyType => "sfh"),
    ),
  ],
  `must be one of ${PROPERTY_TYPES.join(", ")}`,
);

/** Underwriting modes of `POST /underwriter/properties/:id/underwrite`. */
export const MODES = ["mao", "brrrr", "rental", "breakeven"] as const;
export type Mode = (typeof MODES)[number];

const minor = v.pipe(v.number(), v.safeInteger());
const nullableMinor = v.nullable(minor);

const Address = v.object({
  street: v.string(),
  unit: v.nullable(v.string()),
  city: v.string(),
  region: v.string(),
  postal_code: v.string(),
  country: v.string(),
});

const RepairItem = v.object({ label: v.string(), category: v.nullable(v.string()), amount_minor: minor });

/** Property intel: the figures underwriting reads. */
const Intel = v.object({
  arv: v.nullable(
    v.object({
      amount_minor: minor,
      as_of: v.string(),
      notes: v.nullable(v.string()),
      source: v.string(),
      arv_id: v.string(),
    }),
  ),
  /** `null` = no estimate yet; `[]` = estimated at zero. */
  repairs: v.nullable(v.array(RepairItem)),
  repairs_total_minor: nullableMinor,
  rent_monthly_minor: nullableMinor,
  neighborhood_score: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
  legal_flags: v.array(v.string()),
});

/** Stored property. */
export const Property = v.object({
  address: Address,
  // Records written before 0.2 may still say `single_family` until the migration rewrites them.
  type: propertyType,
  beds: v.nullable(v.pipe(v.number(), v.integer())),
  /** Half baths count as 0.5. */
  baths: v.nullable(v.number()),
  sqft: v.nullable(v.pipe(v.number(), v.integer())),
  currency: v.string(),
  notes: v.nullable(v.string()),
  /** Wholesale deal this property is attached to. */
  deal_id: v.nullable(v.string()),
  intel: Intel,
});
export type Property = v.InferOutput<typeof Property>;

/** Stored ARV history entry (never rewritten). */
export const ArvRecord = v.object({
  property_id: v.string(),
  amount_minor: minor,
  currency: v.string(),
  as_of: v.string(),
  notes: v.nullable(v.string()),
  source: v.string(),
});
export type ArvRecord = v.InferOutput<typeof ArvRecord>;

/** Stored underwriting run: what was computed, from which inputs, and whether it went onto a deal. */
export const UnderwritingRun = v.object({
  property_id: v.string(),
  deal_id: v.nullable(v.string()),
  mode: v.picklist(MODES),
  currency: v.string(),
  inputs: v.record(v.string(), v.unknown()),
  outputs: v.record(v.string(), v.unknown()),
  formula: v.string(),
});
export type UnderwritingRun = v.InferOutput<typeof UnderwritingRun>;

/** A stored underwriting run as the API returns it (for OpenAPI). */
export const UnderwritingRunResponse = v.object({
  id: v.string(),
  rev: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
  ...UnderwritingRun.entries,
});

// ---- request bodies -------------------------------------------------------------------------

const optionalText = (max = 200) => v.optional(v.nullable(text(max)), null);

/** A rate as a decimal fraction string: `"0.70"` = 70 %. */
export const rateString = v.pipe(
  v.string('must be a decimal string such as "0.70"'),
  v.regex(
    /^(?:0(?:\.\d{1,8})?|1(?:\.0{1,8})?)$/,
    'must be a decimal fraction from "0" to "1" such as "0.70"',
  ),
);
/** A non-negative decimal-string amount. */
export const nonNegativeMoney = v.pipe(
  decimalString,
  v.check((s) => !s.startsWith("-"), "must not be negative"),
);

const AddressBody = v.strictObject({
  street: requiredText(200),
  unit: optionalText(50),
  city: requiredText(100),
  region: requiredText(100),
  postal_code: requiredText(20),
  country: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code such as 'US'")),
    "US",
  ),
});

const RepairItemBody = v.strictObject({
  label: requiredText(200),
  category: optionalText(100),
  amount: nonNegativeMoney,
});

/** Bedrooms, 0–500. */
export const beds = v.pipe(
  v.number("must be a number"),
  v.integer("must be a whole number"),
  v.minValue(0, "must be at least 0"),
  v.maxValue(500, "must be at most 500"),
);
/** Baths in halves, 0–500. */
export const baths = v.pipe(
  v.number("must be a number"),
  v.minValue(0, "must be at least 0"),
  v.maxValue(500, "must be at most 500"),
  v.check((n) => Number.isInteger(n * 2), "must be a whole or half number such as 2.5"),
);
/** Square feet, 1–10,000,000. */
export const sqft = v.pipe(
  v.number("must be a number"),
  v.integer("must be a whole number"),
  v.minValue(1, "must be at least 1"),
  v.maxValue(10_000_000, "must be at most 10000000"),
);
const score = v.pipe(
  v.number("must be a number"),
  v.integer("must be a whole number"),
  v.minValue(0, "must be at least 0"),
  v.maxValue(100, "must be at most 100"),
);
const legalFlags = v.pipe(v.array(requiredText(200)), v.maxLength(50, "must list at most 50 flags"));
const repairs = v.pipe(v.array(RepairItemBody), v.maxLength(200, "must list at most 200 items"));

const intelFields = {
  repairs: v.optional(v.nullable(repairs)),
  rent_monthly: v.optional(v.nullable(nonNegativeMoney)),
  neighborhood_score: v.optional(v.nullable(score)),
  legal_flags: v.optional(legalFlags),
};

/** POST /underwriter/properties body. */
export const CreatePropertyBody = v.strictObject({
  address: AddressBody,
  type: propertyType,
  beds: v.optional(v.nullable(beds), null),
  baths: v.optional(v.nullable(baths), null),
  sqft: v.optional(v.nullable(sqft), null),
  currency: v.optional(currency, "USD"),
  notes: optionalText(4000),
  ...intelFields,
});

/** PATCH /underwriter/properties/:id body (any subset; ARV changes go through `/arv`). */
export const PatchPropertyBody = v.pipe(
  v.strictObject({
    address: v.optional(AddressBody),
    type: v.optional(propertyType),
    beds: v.optional(v.nullable(beds)),
    baths: v.optional(v.nullable(baths)),
    sqft: v.optional(v.nullable(sqft)),
    notes: v.optional(v.nullable(text(4000))),
    ...intelFields,
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** POST /underwriter/properties/:id/arv body. */
export const SetArvBody = v.strictObject({
  arv: nonNegativeMoney,
  as_of: v.optional(isoDate),
  notes: optionalText(2000),
  source: v.optional(requiredText(200), "manual"),
});

const money = v.optional(nonNegativeMoney);
const overrides = { arv: money, repairs: money };

/** A monthly amount, documented as such in OpenAPI. */
const monthly = (description: string) =>
  v.optional(v.pipe(nonNegativeMoney, v.metadata({ description: `${description}. A monthly amount.` })));

/**
 * The old, period-less name of a monthly amount: still accepted, marked `deprecated` in OpenAPI.
 * Sending both names with different values is a 400 naming the old one.
 */
const deprecatedAlias = (name: string) =>
  v.optional(
    v.pipe(
      nonNegativeMoney,
      v.metadata({
        deprecated: true,
        description: `Deprecated alias of \`${name}\` (a monthly amount); send \`${name}\` instead.`,
      }),
    ),
  );

/** POST /underwriter/properties/:id/underwrite body: one shape per mode. */
export const UnderwriteBody = v.variant(
  "mode",
  [
    v.strictObject({ mode: v.literal("mao"), k: v.optional(rateString), fee: money, ...overrides }),
    v.strictObject({
      mode: v.literal("brrrr"),
      ltv: v.optional(rateString),
      closing: money,
      holding: money,
      buffer: money,
      purchase_price: money,
      ...overrides,
    }),
    v.strictObject({
      mode: v.literal("rental"),
      purchase_price: nonNegativeMoney,
      rent_monthly: monthly("Gross scheduled rent per month; default: the property's projected rent"),
      rent: deprecatedAlias("rent_monthly"),
      other_income_monthly: monthly("Other income (laundry, parking) per month"),
      other_income: deprecatedAlias("other_income_monthly"),
      vacancy_rate: v.optional(rateString),
      operating_expenses_monthly: monthly(
        "Operating expenses per month: taxes, insurance, maintenance, utilities, HOA (no debt service)",
      ),
      operating_expenses: deprecatedAlias("operating_expenses_monthly"),
      management_rate: v.optional(rateString),
      closing: money,
      repairs: money,
      down_payment_rate: v.optional(rateString),
      interest_rate: v.optional(rateString),
      term_months: v.optional(
        v.pipe(
          v.number("must be a number"),
          v.integer("must be a whole number"),
          v.minValue(1, "must be at least 1"),
          v.maxValue(600, "must be at most 600"),
        ),
      ),
    }),
    v.strictObject({
      mode: v.literal("breakeven"),
      purchase_price: nonNegativeMoney,
      closing: money,
      holding: money,
      selling_cost_rate: v.optional(rateString),
      ...overrides,
    }),
  ],
  `must be one of ${MODES.join(", ")}`,
);
export type UnderwriteBody = v.InferOutput<typeof UnderwriteBody>;

/** POST /underwriter/deals/:dealId/attach-property body. */
export const AttachPropertyBody = v.strictObject({ property_id: idParam });

/** POST /underwriter/deals/:dealId/write-mao body. */
export const WriteMaoBody = v.variant(
  "mode",
  [
    v.strictObject({
      mode: v.literal("mao"),
      property_id: v.optional(idParam),
      k: v.optional(rateString),
      fee: money,
    }),
    v.strictObject({
      mode: v.literal("brrrr"),
      property_id: v.optional(idParam),
      ltv: v.optional(rateString),
      closing: money,
      holding: money,
      buffer: money,
    }),
  ],
  "must be mao or brrrr",
);
export type WriteMaoBody = v.InferOutput<typeof WriteMaoBody>;
