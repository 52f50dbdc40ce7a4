import { afterEach, describe, expect, it } from "vitest";
import { type InventoryContext, inventory, lowStock } from "../../src/index.js";
import { call, inventoryHost } from "../helpers.js";

describe("low-stock job", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  it("should be declared daily and push low items through the same idempotent path", async () => {
    expect(inventory.jobs?.map((j) => [j.name, j.cron])).toEqual([["low-stock", "30 7 * * *"]]);
    const host = await inventoryHost();
    close = () => host.close();
    await call(host, "POST", "/inventory", { name: "Toilet paper", quantity: 1, low_threshold: 4 });
    const ctx = host.registry.context("inventory") as InventoryContext;
    expect(await lowStock(ctx)).toEqual({ low: 1, added: 1, pushed: true });
    expect(await lowStock(ctx)).toEqual({ low: 1, added: 0, pushed: true });
    expect((await call(host, "GET", "/inventory/shopping")).body.items).toHaveLength(1);
  });

  it("should only report when auto_push is off", async () => {
    const host = await inventoryHost({ config: { inventory: { auto_push: false } } });
    close = () => host.close();
    await call(host, "POST", "/inventory", { name: "Detergent", quantity: 0, low_threshold: 1 });
    expect(await lowStock(host.registry.context("inventory") as InventoryContext)).toEqual({
      low: 1,
      added: 0,
      pushed: false,
    });
    expect((await call(host, "GET", "/inventory/shopping")).body.items).toEqual([]);
  });

  it("should refuse to start a host with a malformed config", async () => {
    close = undefined;
    await expect(inventoryHost({ config: { inventory: { auto_push: "yes" } } })).rejects.toThrow(
      /E_CONFIG_INVALID \[inventory\] Config 'inventory.auto_push' is invalid: must be true or false/,
    );
  });
});
