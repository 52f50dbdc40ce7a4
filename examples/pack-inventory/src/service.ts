import { ProblemError, type Stored, todayIn } from "@valhalla/runtime";
import * as v from "valibot";
import { InventoryConfig, type Item, type ShoppingEntry } from "./schemas.js";
import type { InventoryContext } from "./storage.js";

/** Quantities are decimals of at most 3 places; rounding after arithmetic keeps 0.1 + 0.2 at 0.3. */
export const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** An item is low when its quantity is at or below its threshold. */
export const isLow = (quantity: number, threshold: number): boolean => quantity <= threshold;

/** The item with `low` recomputed from its quantity and threshold. */
export function withLowFlag<T extends Omit<Item, "low">>(item: T): T & { low: boolean } {
  return { ...item, low: isLow(item.quantity, item.low_threshold) };
}

/** How much to buy: up to `restock_to` (default twice the threshold), at least one unit. */
export function restockAmount(item: Pick<Item, "quantity" | "low_threshold" | "restock_to">): number {
  const target = item.restock_to ?? item.low_threshold * 2;
  return Math.max(round3(target - item.quantity), 1);
}

/** The pack's config, parsed. @throws ValiError when it is malformed */
export function configOf(ctx: Pick<InventoryContext, "config">): InventoryConfig {
  return v.parse(InventoryConfig, ctx.config);
}

/**
 * Change an item's quantity by `delta`; a change that would go below zero is refused with 409
 * `insufficient-stock` rather than clamped, so a miscount is visible.
 */
export async function adjustQuantity(
  ctx: InventoryContext,
  id: string,
  delta: number,
  ifRev?: number,
): Promise<Stored<Item>> {
  return ctx.storage.items.update(
    id,
    (item) => {
      const quantity = round3(item.quantity + delta);
      if (quantity < 0) {
        throw new ProblemError(
          409,
          "insufficient-stock",
          `Only ${item.quantity} ${item.unit} of '${item.name}' in stock; cannot remove ${-delta}`,
          { quantity: item.quantity, delta },
        );
      }
      return withLowFlag({ ...item, quantity });
    },
    { ifRev },
  );
}

/** Outcome of pushing low items onto the shopping list. */
export interface PushResult {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly entries: Stored<ShoppingEntry>[];
}

const SHOPPING_LOCK = "shopping-list";

/**
 * Put every low item on the shopping list, once: an item that already has an open entry gets its
 * quantity refreshed instead of a second entry. The lock makes two concurrent pushes (the daily
 * job and a click) produce the same list as one.
 */
export async function pushLowItems(ctx: InventoryContext): Promise<PushResult> {
  return ctx.locks.withLock(
    SHOPPING_LOCK,
    30_000,
    async () => {
      let added = 0;
      let updated = 0;
      let unchanged = 0;
      const entries: Stored<ShoppingEntry>[] = [];
      const today = todayIn(ctx.timezone, ctx.now());
      for await (const item of ctx.storage.items.iterate({ where: { low: true }, order: "asc" })) {
        const quantity = restockAmount(item);
        const open = (
          await ctx.storage.shopping.list({ where: { item_id: item.id, status: "open" }, limit: 1 })
        ).items[0];
        if (!open) {
          added++;
          entries.push(
            await ctx.storage.shopping.create({
              item_id: item.id,
              name: item.name,
              quantity,
              unit: item.unit,
              status: "open",
              added_on: today,
            }),
          );
        } else if (open.quantity !== quantity || open.name !== item.name || open.unit !== item.unit) {
          updated++;
          entries.push(
            await ctx.storage.shopping.update(open.id, { quantity, name: item.name, unit: item.unit }),
          );
        } else {
          unchanged++;
          entries.push(open);
        }
      }
      return { added, updated, unchanged, entries };
    },
    { waitMs: 10_000 },
  );
}

/** Mark an entry bought and add its quantity to the item's stock (both under the list lock). */
export async function markBought(
  ctx: InventoryContext,
  id: string,
): Promise<{ entry: Stored<ShoppingEntry>; item: Stored<Item> | null }> {
  return ctx.locks.withLock(
    SHOPPING_LOCK,
    30_000,
    async () => {
      const entry = await ctx.storage.shopping.require(id);
      if (entry.status === "bought")
        throw new ProblemError(409, "already-bought", `Shopping entry '${id}' is already bought`);
      const item = (await ctx.storage.items.get(entry.item_id))
        ? await adjustQuantity(ctx, entry.item_id, entry.quantity)
        : null;
      const done = await ctx.storage.shopping.update(id, { status: "bought" }, { ifRev: entry.rev });
      return { entry: done, item };
    },
    { waitMs: 10_000 },
  );
}
