import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { type IsolatedStore, isolatedStores } from "@valhalla/runtime/testing";
import { afterEach, describe, expect, it, vi } from "vitest";

const load = createRequire(import.meta.url);
const named = (name: IsolatedStore["name"]) => isolatedStores().find((s) => s.name === name)!;

/** The server URL and the isolating parameter of a URL made by a store. */
function split(url: string, param: string): { server: string; value: string } {
  const parsed = new URL(url);
  const value = parsed.searchParams.get(param)!;
  parsed.searchParams.delete(param);
  return { server: parsed.toString(), value };
}

describe("isolatedStores", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("should list memory, sqlite, redis and postgres, the embedded two never skipped", () => {
    const stores = isolatedStores();
    expect(stores.map((s) => s.name)).toEqual(["memory", "sqlite", "redis", "postgres"]);
    expect(stores.filter((s) => s.skip).map((s) => s.name)).not.toContain("memory");
    expect(stores.filter((s) => s.skip).map((s) => s.name)).not.toContain("sqlite");
    expect(named("memory").make().url).toBe("memory:");
  });

  it("should give each SQLite store its own file, and delete it on cleanup", async () => {
    const a = named("sqlite").make();
    const b = named("sqlite").make();
    expect(a.url).toMatch(/^sqlite:/);
    expect(a.url).not.toBe(b.url);
    const file = a.url.slice("sqlite:".length);
    writeFileSync(file, "x");
    await a.cleanup();
    expect(existsSync(dirname(file))).toBe(false);
    await b.cleanup();
  });

  it("should skip a service whose variable is unset outside CI, and refuse to make its URL", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.stubEnv("CI", "");
    vi.stubEnv("VALHALLA_TEST_REDIS_URL", "");
    vi.stubEnv("VALHALLA_TEST_POSTGRES_URL", "postgres://db.invalid/test");
    const stores = isolatedStores();
    expect(stores.map((s) => [s.name, s.skip])).toEqual([
      ["memory", false],
      ["sqlite", false],
      ["redis", true],
      ["postgres", false],
    ]);
    expect(() => stores[2]!.make()).toThrow(/VALHALLA_TEST_REDIS_URL is not set/);
    const { url } = stores[3]!.make();
    expect(split(url, "schema")).toEqual({
      server: "postgres://db.invalid/test",
      value: expect.stringMatching(/^vt_[0-9a-f]{12}$/),
    });
  });

  it("should fail loudly in CI when a service variable is unset", () => {
    vi.stubEnv("CI", "true");
    vi.stubEnv("VALHALLA_TEST_REDIS_URL", "redis://cache.invalid");
    vi.stubEnv("VALHALLA_TEST_POSTGRES_URL", "");
    expect(() => isolatedStores()).toThrow(/VALHALLA_TEST_POSTGRES_URL must be set when CI=true/);
  });

  it.skipIf(named("redis").skip)(
    "should give each Redis store its own prefix and delete only its keys",
    async () => {
      const { Redis } = load("ioredis") as typeof import("ioredis");
      const a = named("redis").make();
      const b = named("redis").make();
      const { server, value: prefix } = split(a.url, "prefix");
      expect(prefix).toMatch(/^vt:[0-9a-f]{12}:$/);
      expect(split(b.url, "prefix").value).not.toBe(prefix);
      const client = new Redis(server);
      try {
        const other = split(b.url, "prefix").value;
        // More keys than one SCAN page, so cleanup must follow the cursor.
        const writes = client.pipeline();
        for (let i = 0; i < 1200; i++) writes.set(`${prefix}k${i}`, "1");
        await writes.exec();
        await client.set(`${other}kept`, "1");
        await a.cleanup();
        expect(await client.keys(`${prefix}*`)).toEqual([]);
        expect(await client.get(`${other}kept`)).toBe("1");
        await b.cleanup();
        expect(await client.keys(`${other}*`)).toEqual([]);
      } finally {
        client.disconnect();
      }
    },
  );

  it.skipIf(named("postgres").skip)(
    "should give each Postgres store its own schema and drop it",
    async () => {
      const pg = load("pg") as typeof import("pg");
      const made = named("postgres").make();
      const { server, value: schema } = split(made.url, "schema");
      expect(schema).toMatch(/^vt_[0-9a-f]{12}$/);
      expect(split(named("postgres").make().url, "schema").value).not.toBe(schema);
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(`CREATE TABLE "${schema}".t (n int)`);
        await made.cleanup();
        const left = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [
          schema,
        ]);
        expect(left.rowCount).toBe(0);
      } finally {
        await client.end();
      }
    },
  );
});
