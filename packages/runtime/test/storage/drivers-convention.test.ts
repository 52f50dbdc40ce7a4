import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "../../src/storage/drivers");

// Helper files of a driver (its Lua scripts) are not drivers themselves.
const HELPER = /-scripts\.ts$/;

describe("storage drivers", () => {
  it("should have a test file that runs driverSuite for every driver", () => {
    const drivers = readdirSync(src).filter((f) => f.endsWith(".ts") && !HELPER.test(f));
    expect(drivers).toEqual(
      expect.arrayContaining(["memory.ts", "sqlite.ts", "redis.ts", "postgres.ts", "unstorage.ts"]),
    );
    const missing = drivers.filter((f) => {
      const test = join(here, "drivers", f.replace(/\.ts$/, ".test.ts"));
      return !existsSync(test) || !/\bdriverSuite\(\{/.test(readFileSync(test, "utf8"));
    });
    expect(missing).toEqual([]);
  });
});
