import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testServiceUrl } from "@valhalla/runtime/testing";

const require = createRequire(import.meta.url);

/** A storage URL isolated for one test (own file, key prefix or schema) and how to clean it up. */
export interface IsolatedStore {
  readonly name: string;
  readonly skip: string | false;
  make(): { url: string; cleanup(): Promise<void> };
}

const redisUrl = testServiceUrl("VALHALLA_TEST_REDIS_URL");
const pgUrl = testServiceUrl("VALHALLA_TEST_POSTGRES_URL");

export const sqliteStore: IsolatedStore = {
  name: "sqlite",
  skip: false,
  make() {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-host-"));
    return {
      url: `sqlite:${join(dir, "store.db")}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const redisStore: IsolatedStore = {
  name: "redis",
  skip: !redisUrl && "VALHALLA_TEST_REDIS_URL is not set",
  make() {
    const prefix = `vt:${randomBytes(6).toString("hex")}:`;
    const url = new URL(redisUrl!);
    url.searchParams.set("prefix", prefix);
    return {
      url: url.toString(),
      async cleanup() {
        const { Redis } = require("ioredis") as typeof import("ioredis");
        const client = new Redis(redisUrl!);
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          if (keys.length) await client.unlink(...keys);
          cursor = next;
        } while (cursor !== "0");
        client.disconnect();
      },
    };
  },
};

export const postgresStore: IsolatedStore = {
  name: "postgres",
  skip: !pgUrl && "VALHALLA_TEST_POSTGRES_URL is not set",
  make() {
    const schema = `vt_${randomBytes(6).toString("hex")}`;
    const url = new URL(pgUrl!);
    url.searchParams.set("schema", schema);
    return {
      url: url.toString(),
      async cleanup() {
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client({ connectionString: pgUrl! });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  },
};
