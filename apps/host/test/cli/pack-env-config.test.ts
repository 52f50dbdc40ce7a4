import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createHost } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { installedPacks } from "../../src/packs.js";

const dir = mkdtempSync(join(tmpdir(), "valhalla-pack-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pack settings from the environment", () => {
  it("should set VALHALLA_PACK_<CODE>_<SETTING> over the config file's section", () => {
    writeFileSync(
      join(dir, "valhalla.config.json"),
      JSON.stringify({ config: { budget: { currency: "GBP" }, holdings: { base_currency: "USD" } } }),
    );
    const config = loadConfig(
      { VALHALLA_PACK_BUDGET_CURRENCY: "EUR", VALHALLA_PACK_HOLDINGS_STALE_AFTER_DAYS: "30" },
      dir,
    );
    expect(config.packConfig.budget).toEqual({ currency: "EUR" });
    expect(config.packConfig.holdings).toEqual({ base_currency: "USD", stale_after_days: 30 });
  });

  it("should serve the budget in the currency the environment names", async () => {
    const config = loadConfig({ VALHALLA_PACK_BUDGET_CURRENCY: "EUR" }, mkdtempSync(join(dir, "x-")));
    const host = await createHost({
      packs: installedPacks,
      storage: "memory:",
      log: silentLogger,
      auth: { disabled: true },
      config: config.packConfig,
    });
    try {
      const res = await host.fetch(new Request("http://x/budget/house"));
      expect(((await res.json()) as { currency: string }).currency).toBe("EUR");
    } finally {
      await host.close();
    }
  });

  it("should refuse to start when the environment gives a pack an invalid setting", async () => {
    const config = loadConfig({ VALHALLA_PACK_BUDGET_CURRENCY: "EURO" }, mkdtempSync(join(dir, "y-")));
    await expect(
      createHost({ packs: installedPacks, storage: "memory:", log: silentLogger, config: config.packConfig }),
    ).rejects.toThrow(/budget|currency/i);
  });
});
