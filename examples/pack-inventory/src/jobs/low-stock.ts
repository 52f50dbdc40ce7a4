import type { JobDef } from "@valhalla/runtime";
import { configOf, pushLowItems } from "../service.js";
import type { InventoryContext } from "../storage.js";

/**
 * Every morning: report low items and, unless `auto_push` is off, put them on the shopping list.
 * Pushing is idempotent, so a manual run on top of the scheduled one changes nothing.
 */
export async function lowStock(
  ctx: InventoryContext,
): Promise<{ low: number; added: number; pushed: boolean }> {
  const low = await ctx.storage.items.count({ low: true });
  if (!configOf(ctx).auto_push) {
    ctx.log.info("low-stock report", { low });
    return { low, added: 0, pushed: false };
  }
  const r = await pushLowItems(ctx);
  ctx.log.info("low-stock pushed", { low, added: r.added, updated: r.updated });
  return { low, added: r.added, pushed: true };
}

/** The scheduled job: 07:30 every day in the host's time zone. */
export const lowStockJob: JobDef<InventoryContext> = {
  name: "low-stock",
  cron: "30 7 * * *",
  description: "Put items at or below their threshold on the shopping list",
  timeoutMs: 60_000,
  run: lowStock,
};
