import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Delete every key under a test's own prefix (never FLUSHDB: other runs share the server). */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = require("ioredis") as typeof import("ioredis");
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

/** Drop a test's own schema. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^vt_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop schema '${schema}'`);
  const pg = require("pg") as typeof import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
