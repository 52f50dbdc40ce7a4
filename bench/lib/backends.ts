import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createDriver } from "@valhalla/host";
import type { Driver } from "@valhalla/runtime";

/** A storage backend under test: a display name and a `createDriver` URL. */
export interface Backend {
  readonly name: string;
  readonly url: string;
}

/** Backends of a run: `BENCH_BACKENDS` (comma-separated URLs) or the four defaults. */
export function backendsFromEnv(env: NodeJS.ProcessEnv = process.env): Backend[] {
  const urls = env.BENCH_BACKENDS
    ? env.BENCH_BACKENDS.split(",").map((s) => s.trim())
    : [
        "memory:",
        "sqlite:",
        env.VALHALLA_TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
        env.VALHALLA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      ];
  return urls.filter(Boolean).map((url) => ({ name: backendName(url), url }));
}

/** `memory`, `sqlite`, `redis` or `postgres` from a storage URL. */
export function backendName(url: string): string {
  if (url.startsWith("memory")) return "memory";
  if (url.startsWith("sqlite:")) return "sqlite";
  if (/^rediss?:/.test(url)) return "redis";
  if (/^postgres(ql)?:/.test(url)) return "postgres";
  return url.split(":")[0] ?? url;
}

/**
 * A private copy of a backend for one server or data set, so runs never see each other's data
 * (nor other users of a shared Redis/Postgres): a fresh SQLite file, a random Redis key prefix,
 * a random Postgres schema.
 */
export function isolate(url: string, tmpDir: string, tag: string): string {
  const id = `bench_${tag}_${randomBytes(4).toString("hex")}`;
  const name = backendName(url);
  if (name === "sqlite") return `sqlite:${join(tmpDir, `${id}.db`)}`;
  if (name === "redis") return withParam(url, "prefix", `${id}:`);
  if (name === "postgres") return withParam(url, "schema", id);
  return url;
}

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

/** Why a backend cannot run, or null when it can. Never fakes a result for a missing driver. */
export async function probe(url: string): Promise<string | null> {
  let driver: Driver;
  try {
    driver = await createDriver(url.startsWith("sqlite:") ? "sqlite::memory:" : url);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return /Unsupported|Install|Cannot find/.test(msg) ? "skipped: driver not installed" : `skipped: ${msg}`;
  }
  try {
    await driver.init();
    await driver.ping();
    return null;
  } catch (err) {
    return `skipped: unreachable (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await driver.close().catch(() => {});
  }
}

/**
 * Remove everything a run wrote: its Postgres schema is dropped; its Redis prefix is emptied record by
 * record through the driver (SQLite files are deleted with the temp dir; memory dies with its process).
 */
export async function cleanup(url: string): Promise<void> {
  const name = backendName(url);
  if (name === "memory" || name === "sqlite") return;
  const schema = postgresSchema(url);
  if (schema) {
    // One statement instead of 300k single-row removes (minutes at N = 100k).
    await withPostgres(url, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    return;
  }
  const driver = await createDriver(url);
  try {
    await driver.init();
    for (const ns of await driver.namespaces()) {
      const ids: string[] = [];
      for await (const r of driver.scan(ns)) ids.push(r.id);
      for (const id of ids) await driver.remove(ns, id);
    }
  } finally {
    await driver.close();
  }
}

/**
 * Let a backend finish what a bulk seed left it doing, so the timed requests measure reads and not
 * the seed's aftermath. On Postgres: `CHECKPOINT` writes the seed's WAL back now rather than under the
 * timed requests' commits (every request commits a rate-limit count), and `ANALYZE` gives the planner
 * the run's row counts (autovacuum is off on these machines, so nothing else would). Other backends
 * have nothing pending.
 */
export async function settle(url: string): Promise<void> {
  const schema = postgresSchema(url);
  if (!schema) return;
  await withPostgres(url, async (client) => {
    await client.query("CHECKPOINT");
    await client.query(`ANALYZE "${schema}".records, "${schema}".index`);
  });
}

/** The run's private Postgres schema, or null for other backends (or a name that is not ours). */
function postgresSchema(url: string): string | null {
  if (backendName(url) !== "postgres") return null;
  const schema = new URL(url).searchParams.get("schema");
  return schema && /^[a-z0-9_]+$/.test(schema) ? schema : null;
}

/** One plain `pg` client on the server of `url` (without the driver's `schema` parameter). */
async function withPostgres<T>(url: string, run: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  const u = new URL(url);
  u.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
