import { describe, expect, it } from "vitest";
import { installedPacks, selectPacks } from "../../src/packs.js";

describe("selectPacks", () => {
  it("should leave out installed packs whose hard requirements are missing, naming them", () => {
    const skipped: [string, readonly string[]][] = [];
    const packs = selectPacks([], undefined, (pack, missing) => skipped.push([pack, missing]));
    expect(installedPacks.map((p) => p.code)).toContain("pipeline");
    if (!installedPacks.some((p) => p.code === "wholesale")) {
      expect(packs.map((p) => p.code)).not.toContain("pipeline");
      expect(skipped).toEqual([["pipeline", ["wholesale"]]]);
    } else {
      expect(packs.map((p) => p.code)).toContain("pipeline");
    }
  });

  it("should keep an explicitly named pack so the registry reports what it lacks", () => {
    expect(selectPacks(["pipeline"]).map((p) => p.code)).toEqual(["pipeline"]);
  });
});
