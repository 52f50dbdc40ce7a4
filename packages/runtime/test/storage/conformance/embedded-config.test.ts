import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqlite } from "@valhalla/runtime";
import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";

describe("sqlite durability settings", () => {
  it("should open the embedded store with WAL, synchronous=FULL and a busy timeout of at least 5 s", async () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-d2-"));
    const driver = sqlite({ path: join(dir, "d2.db") }) as ReturnType<typeof sqlite> & {
      database(): BetterSqlite3.Database;
    };
    try {
      await driver.init();
      const db = driver.database();
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(2);
      expect(db.pragma("busy_timeout", { simple: true })).toBeGreaterThanOrEqual(5000);
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true });
    }
  });
});
