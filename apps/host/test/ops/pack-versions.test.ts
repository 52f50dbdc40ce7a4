import { readFileSync } from "node:fs";
import { billsService } from "@valhalla/pack-bills/refs";
import { createRegistry, definePack, memory, serviceRef } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { installedPacks } from "../../src/packs.js";

const manifest = (code: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../packages/pack-${code}/package.json`, import.meta.url), "utf8"),
  ) as { name: string; version: string };

describe("pack versions", () => {
  it("should declare each pack's version from its package.json", () => {
    expect(installedPacks).toHaveLength(7);
    for (const pack of installedPacks) expect(pack.version, pack.code).toBe(manifest(pack.code).version);
  });

  it("should satisfy a third party's requirement written against the published version", async () => {
    const bills = installedPacks.find((p) => p.code === "bills")!;
    const published = manifest("bills").version;
    const [major, minor] = published.split(".");
    const consumer = definePack({
      code: "consumer",
      version: "0.0.1",
      description: "A third-party pack that needs the bills service",
      requires: { bills: serviceRef({ pack: "bills", id: "bills", version: `^${major}.${minor}` }) },
    });
    const ok = await createRegistry([bills, consumer], { driver: memory() }).validate();
    expect(ok.issues.filter((i) => i.severity === "error")).toEqual([]);

    const tooNew = definePack({
      code: "consumer",
      version: "0.0.1",
      description: "Needs a bills major that does not exist",
      requires: { bills: serviceRef({ pack: "bills", id: "bills", version: "^99" }) },
    });
    const refused = await createRegistry([bills, tooNew], { driver: memory() }).validate();
    expect(refused.ok).toBe(false);
    // The packs' own refs accept every 0.x release, so a minor bump of bills does not break budget.
    expect(billsService.version).toBe(">=0.1.0 <1.0.0");
  });
});
