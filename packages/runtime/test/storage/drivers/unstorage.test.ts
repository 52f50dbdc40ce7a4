import { collection, createRegistry, definePack, unstorageDriver } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import * as v from "valibot";
import { describe, expect, it } from "vitest";

driverSuite({
  name: "unstorage(memory)",
  create: () => unstorageDriver({ storage: createStorage({ driver: memoryDriver() }) }),
  capabilities: { locks: "process", indexes: "scan", durable: false },
});

describe("unstorageDriver in the registry", () => {
  it("should draw a W_INDEX_SCAN warning naming the pack and each namespace", async () => {
    const pack = definePack({
      code: "notes",
      version: "1.0.0",
      description: "Fixture",
      storage: {
        notes: collection({ prefix: "note", schema: v.object({ tag: v.string() }), indexes: ["tag"] }),
      },
    });
    const driver = unstorageDriver({ storage: createStorage({ driver: memoryDriver() }) });
    const report = await createRegistry([pack], { driver }).validate();
    const scan = report.issues.filter((i) => i.code === "W_INDEX_SCAN");
    expect(scan).toEqual([
      expect.objectContaining({
        severity: "warning",
        pack: "notes",
        message: expect.stringContaining("'notes.notes'"),
      }),
    ]);
    expect(report.ok).toBe(true);
  });

  it("should keep a numeric-looking string a string through unstorage's raw API", async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const driver = unstorageDriver({ storage });
    await driver.write("t.items", { record: { id: "a", rev: 1, value: '"123"' }, index: {}, expectRev: 0 });
    expect(await driver.get("t.items", "a")).toEqual({ id: "a", rev: 1, value: '"123"' });
    expect(JSON.parse((await driver.get("t.items", "a"))!.value)).toBe("123");
  });
});
