import { pageOf, requiredText, stored, text } from "@valhalla/runtime";
import * as v from "valibot";

/** A stock quantity: finite, not negative, at most three decimals (0.25 kg, 1.5 l). */
export const quantity = v.pipe(
  v.number("must be a number"),
  v.finite("must be a finite number"),
  v.minValue(0, "must not be negative"),
  v.check((n) => Math.abs(Math.round(n * 1000) - n * 1000) < 1e-6, "must have at most 3 decimals"),
);

/** Stored inventory item. `low` is kept in step with quantity and threshold so it can be indexed. */
export const Item = v.object({
  name: v.string(),
  quantity: v.number(),
  unit: v.string(),
  low_threshold: v.number(),
  /** Level to restock to when the item runs low; `null` means twice the threshold. */
  restock_to: v.nullable(v.number()),
  location: v.nullable(v.string()),
  low: v.boolean(),
});
export type Item = v.InferOutput<typeof Item>;

/** Status of a shopping-list entry. */
export const SHOPPING_STATUS = ["open", "bought"] as const;

/** Stored shopping-list entry; at most one `open` entry per item. */
export const ShoppingEntry = v.object({
  item_id: v.string(),
  name: v.string(),
  quantity: v.number(),
  unit: v.string(),
  status: v.picklist(SHOPPING_STATUS),
  added_on: v.string(),
});
export type ShoppingEntry = v.InferOutput<typeof ShoppingEntry>;

const optionalLocation = v.optional(v.nullable(v.pipe(text(100), v.trim())), null);

/** POST /inventory body. */
export const CreateItemBody = v.strictObject({
  name: requiredText(200),
  quantity: v.optional(quantity, 0),
  unit: v.optional(requiredText(20), "pcs"),
  low_threshold: quantity,
  restock_to: v.optional(v.nullable(quantity), null),
  location: optionalLocation,
});

/** PATCH /inventory/:id body (any subset; quantity changes go through /adjust). */
export const PatchItemBody = v.pipe(
  v.strictObject({
    name: v.optional(requiredText(200)),
    unit: v.optional(requiredText(20)),
    low_threshold: v.optional(quantity),
    restock_to: v.optional(v.nullable(quantity)),
    location: v.optional(v.nullable(v.pipe(text(100), v.trim()))),
  }),
  v.check((o) => Object.keys(o).length > 0, "must change at least one field"),
);

/** POST /inventory/:id/adjust body: a signed change, e.g. -1 when a roll is used up. */
export const AdjustBody = v.strictObject({
  delta: v.pipe(
    v.number("must be a number"),
    v.finite("must be a finite number"),
    v.check((n) => n !== 0, "must not be zero"),
  ),
  reason: v.optional(text(200)),
});

/** Pack config (`config.inventory`). */
export const InventoryConfig = v.object({
  /** Whether the daily job pushes low items onto the shopping list (otherwise it only reports). */
  auto_push: v.optional(v.boolean("must be true or false"), true),
});
export type InventoryConfig = v.InferOutput<typeof InventoryConfig>;

// Response schemas (OpenAPI): what the routes answer, precise about types, open to extra fields.

/** An item as the API returns it: the stored fields plus id, rev and timestamps. */
export const ItemRecord = stored(Item);
/** One page of items. */
export const ItemPage = pageOf(ItemRecord);
/** A shopping-list entry as the API returns it. */
export const ShoppingRecord = stored(ShoppingEntry);
/** One page of the shopping list. */
export const ShoppingPage = pageOf(ShoppingRecord);

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** POST /inventory/shopping/push: what changed, and every open entry for a low item. */
export const PushResponse = v.object({
  added: count,
  updated: count,
  unchanged: count,
  items: v.array(ShoppingRecord),
});

/** POST /inventory/shopping/:id/bought: the entry, and the item restocked (`null` if it was deleted). */
export const BoughtResponse = v.object({ entry: ShoppingRecord, item: v.nullable(ItemRecord) });
