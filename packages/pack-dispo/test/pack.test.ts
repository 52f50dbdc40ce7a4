import { createHost, silentLogger } from "@valhalla/host";
import { wholesale } from "@valhalla/pack-wholesale";
import { createRegistry, formatReport, memory, RegistryError } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { dispo } from "../src/index.js";

describe("pack: dispo", () => {
  it("should fail validation with E_REQUIRE_MISSING naming 'dispo' and 'wholesale' when installed alone", async () => {
    const report = await createRegistry([dispo], { driver: memory(), log: silentLogger }).validate();
    expect(report.ok).toBe(false);
    const issue = report.issues.find((i) => i.code === "E_REQUIRE_MISSING");
    expect(issue).toMatchObject({ severity: "error", pack: "dispo" });
    expect(issue?.message).toContain("'wholesale'");
    const text = formatReport(report);
    expect(text).toContain("[dispo]");
    expect(text).toContain("'wholesale'");
  });

  it("should refuse to start a host with dispo alone, with the whole report", async () => {
    const err = await createHost({ packs: [dispo], storage: "memory:", log: silentLogger }).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).report.issues.map((i) => [i.code, i.pack])).toContainEqual([
      "E_REQUIRE_MISSING",
      "dispo",
    ]);
    expect((err as Error).message).toMatch(/E_REQUIRE_MISSING \[dispo\].*'wholesale'/);
  });

  it("should validate cleanly with wholesale installed", async () => {
    const report = await createRegistry([wholesale, dispo], {
      driver: memory(),
      log: silentLogger,
    }).validate();
    expect(report.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.packs.find((p) => p.code === "dispo")?.requires).toEqual([
      { pack: "wholesale", service: "deals", range: ">=0.1.0 <1.0.0", optional: false },
    ]);
  });

  it("should need cluster locks when several replicas share a process-only store", async () => {
    const report = await createRegistry([wholesale, dispo], {
      driver: memory(),
      replicas: 3,
      log: silentLogger,
    }).validate();
    expect(report.issues.filter((i) => i.code === "E_STORAGE_LOCKS").map((i) => i.pack)).toEqual(["dispo"]);
  });
});
