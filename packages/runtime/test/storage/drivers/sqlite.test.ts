import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Driver, sqlite } from "@valhalla/runtime";
import { driverSuite } from "@valhalla/runtime/testing";
import { afterEach, describe, expect, it } from "vitest";

const files = new WeakMap<Driver, string>();

driverSuite({
  name: "sqlite",
  create: () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-sqlite-"));
    const d = sqlite({ path: join(dir, "store.db") });
    files.set(d, dir);
    return d;
  },
  connect: (d) => sqlite({ path: join(files.get(d)!, "store.db") }),
  destroy: (d) => rmSync(files.get(d)!, { recursive: true, force: true }),
  capabilities: { locks: "process", indexes: "native", durable: true },
});

type WithDatabase = Driver & { database(): { pragma(sql: string, o: { simple: true }): unknown } };

// #16: better-sqlite3 builds with a 16 MiB page cache per connection, which a scan of a large store
// fills and keeps; the driver bounds it.
describe("drivers: sqlite page cache (#16)", () => {
  const dirs: string[] = [];
  const open = (options: { cacheKiB?: number } = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-sqlite-cache-"));
    dirs.push(dir);
    return sqlite({ path: join(dir, "store.db"), ...options }) as WithDatabase;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("should bound the page cache to 2 MiB by default", async () => {
    const d = open();
    await d.init();
    expect(d.database().pragma("cache_size", { simple: true })).toBe(-2048);
    await d.close();
  });

  it("should bound the page cache to `cacheKiB`", async () => {
    const d = open({ cacheKiB: 512 });
    await d.init();
    expect(d.database().pragma("cache_size", { simple: true })).toBe(-512);
    await d.close();
  });

  it("should reject a `cacheKiB` that is not a positive integer", () => {
    expect(() => open({ cacheKiB: 0 })).toThrow(
      "[valhalla] [sqlite] Option `cacheKiB` must be a positive integer, got 0.",
    );
  });
});
