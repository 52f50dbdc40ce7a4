import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testServiceUrl } from "./test-service-url.js";

/** One isolated store per call: memory, its own SQLite file, Redis key prefix or Postgres schema. @public */
export interface IsolatedStore {
  readonly name: "memory" | "sqlite" | "redis" | "postgres";
  /** true when the service URL env var is unset outside CI */
  readonly skip: boolean;
  /**
   * A storage URL no other call shares (`memory:`, `sqlite:<fresh file>`, `redis://…?prefix=…`,
   * `postgres://…?schema=…`) and the cleanup that deletes what was written under it.
   */
  make(): { url: string; cleanup(): Promise<void> };
}

/**
 * The four stores, each making a fresh isolated storage URL per call so tests sharing a Redis or
 * Postgres server never see each other's data. The service URLs come from
 * `VALHALLA_TEST_REDIS_URL` and `VALHALLA_TEST_POSTGRES_URL` through {@link testServiceUrl}: unset
 * outside CI the store is marked `skip`, unset with `CI=true` this throws. `ioredis` and `pg` are
 * loaded only by a cleanup that needs them.
 *
 * @example
 * describe.each(isolatedStores())("orders ($name)", (store) => {
 *   it.skipIf(store.skip)("should keep an order", async () => {
 *     const { url, cleanup } = store.make();
 *     try { … open a driver on `url` … } finally { await cleanup(); }
 *   });
 * });
 * @public
 */
export function isolatedStores(): readonly IsolatedStore[] {
  const redisUrl = testServiceUrl("VALHALLA_TEST_REDIS_URL");
  const pgUrl = testServiceUrl("VALHALLA_TEST_POSTGRES_URL");
  return [
    { name: "memory", skip: false, make: () => ({ url: "memory:", cleanup: async () => {} }) },
    {
      name: "sqlite",
      skip: false,
      make() {
        const dir = mkdtempSync(join(tmpdir(), "valhalla-store-"));
        return {
          url: `sqlite:${join(dir, "store.db")}`,
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
    {
      name: "redis",
      skip: !redisUrl,
      make() {
        const server = required(redisUrl, "VALHALLA_TEST_REDIS_URL");
        const prefix = `vt:${randomBytes(6).toString("hex")}:`;
        return { url: withParam(server, "prefix", prefix), cleanup: () => dropRedisPrefix(server, prefix) };
      },
    },
    {
      name: "postgres",
      skip: !pgUrl,
      make() {
        const server = required(pgUrl, "VALHALLA_TEST_POSTGRES_URL");
        const schema = `vt_${randomBytes(6).toString("hex")}`;
        return {
          url: withParam(server, "schema", schema),
          cleanup: () => dropPostgresSchema(server, schema),
        };
      },
    },
  ];
}

function required(url: string | undefined, variable: string): string {
  // A test that forgot `skipIf(store.skip)` should say why, not fail on `new URL(undefined)`.
  if (!url) throw new Error(`${variable} is not set; skip this store when \`store.skip\` is true`);
  return url;
}

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

const load = createRequire(import.meta.url);

/** Delete every key under the test's own prefix; never FLUSHDB, other runs share the server. */
async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = load("ioredis") as typeof import("ioredis");
  const client = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}

async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const pg = load("pg") as typeof import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
