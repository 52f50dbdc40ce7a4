import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { Pool, PoolClient } from "pg";
import { createError } from "../../errors/create-error.js";
import { merge } from "../../internal/merge.js";
import type {
  BatchWriteResult,
  Driver,
  DriverCapabilities,
  IndexValues,
  Lease,
  ListQuery,
  StoredRecord,
  WriteFaults,
  WriteRequest,
  WriteResult,
} from "../driver.js";

/** Options of the Postgres driver. @public */
export interface PostgresDriverOptions {
  /** `postgres://user:pass@host:5432/db` (or `postgresql://…`). */
  readonly url: string;
  /** Schema holding the tables; created when missing. @default "valhalla" */
  readonly schema?: string;
  /**
   * Extra `pg.Pool` options (any `PoolConfig` field). Typed structurally so the runtime's public
   * types never import `pg`, an optional peer a consumer may not have installed.
   * @default { max: 10, connectionTimeoutMillis: 2000 }
   */
  readonly pool?: { readonly [option: string]: unknown };
  /** Called at each named step of a record write (crash tests); see {@link WriteFaults}. */
  readonly faults?: WriteFaults;
}

const DRIVER_NAME = "postgres";

/** Postgres: row leases hold across every process, btree indexes, durable on commit. @public */
export const postgresCapabilities: DriverCapabilities = {
  locks: "cluster",
  indexes: "native",
  durable: true,
};

/** The database clock in ms; every lease and window is computed from it so replicas agree. */
const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/**
 * Postgres through a `pg` 8.x Pool. A write is one transaction: guard check (`FOR SHARE` on the
 * lease row, so a new grant waits for it), `INSERT … ON CONFLICT DO NOTHING` or
 * `UPDATE … WHERE rev = $n`, then the record's index rows. Leases are rows with a fence column
 * bumped on every grant; session advisory locks are avoided because they leak through pools.
 *
 * @example
 * const host = await createHost({ packs, storage: postgres({ url: "postgres://localhost/app" }) });
 * @public
 */
export default function postgres(options: PostgresDriverOptions): Driver {
  const schema = options.schema ?? "valhalla";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(`Invalid Postgres schema '${schema}', must match /^[a-z_][a-z0-9_]{0,62}$/`);
  }
  const faults: WriteFaults | undefined = options.faults;
  const t = (name: string) => `"${schema}"."${name}"`;
  let pool: Pool | undefined;
  let ready: Promise<void> | undefined;

  const connect = (): Pool => {
    if (pool) return pool;
    let pg: typeof import("pg");
    try {
      pg = createRequire(import.meta.url)("pg");
    } catch (cause) {
      throw createError(DRIVER_NAME, "Install `pg@8` to use postgres:// storage.", { cause });
    }
    // A bounded connect: with the server gone, requests fail in ~2 s (the host answers 503)
    // instead of waiting on the OS's TCP timeout.
    pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      connectionTimeoutMillis: 2000,
      ...options.pool,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    return pool;
  };
  const q = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    if (!ready) ready = init();
    await ready;
    return (await connect().query<R>(sql, params)).rows;
  };
  const init = async () => {
    const c = await connect().connect();
    try {
      await c.query("BEGIN");
      // Serialize concurrent first starts: CREATE … IF NOT EXISTS races on the catalog otherwise.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`valhalla-init:${schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await c.query(`
        CREATE TABLE IF NOT EXISTS ${t("records")} (ns text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, rev bigint NOT NULL, value text NOT NULL, PRIMARY KEY (ns, id));
        CREATE TABLE IF NOT EXISTS ${t("index")} (ns text COLLATE "C" NOT NULL, field text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, PRIMARY KEY (ns, field, value, id));
        CREATE INDEX IF NOT EXISTS index_by_id ON ${t("index")} (ns, id);
        CREATE TABLE IF NOT EXISTS ${t("locks")} (key text PRIMARY KEY, token text, fence bigint NOT NULL, expires_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS ${t("counters")} (key text PRIMARY KEY, count bigint NOT NULL, reset_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS ${t("lease_writes")} (key text NOT NULL, fence bigint NOT NULL, writes bigint NOT NULL, PRIMARY KEY (key, fence));`);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      ready = undefined;
      throw err;
    } finally {
      c.release();
    }
  };
  const tx = async <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> => {
    if (!ready) ready = init();
    await ready;
    const c = await connect().connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  };
  // Holding the lease row FOR SHARE until commit makes a concurrent grant (an UPDATE of that row)
  // wait, so a write checked against the lease cannot commit after the lease moved on.
  const guardOk = async (c: PoolClient, guard: Lease | undefined) => {
    if (!guard) return true;
    const r = await c.query(
      `SELECT 1 FROM ${t("locks")} WHERE key = $1 AND token = $2 AND fence = $3 AND expires_at > ${NOW_MS} FOR SHARE`,
      [guard.key, guard.token, guard.fence],
    );
    return r.rowCount === 1;
  };
  // Counted inside the write's transaction, so the count commits exactly when the write does.
  const tally = async (c: PoolClient, guard: Lease | undefined) => {
    if (!guard) return;
    await c.query(
      `INSERT INTO ${t("lease_writes")} AS w (key, fence, writes) VALUES ($1, $2, 1)
       ON CONFLICT (key, fence) DO UPDATE SET writes = w.writes + 1`,
      [guard.key, guard.fence],
    );
  };
  const currentRev = async (c: PoolClient, ns: string, id: string) => {
    const r = await c.query<{ rev: string }>(`SELECT rev FROM ${t("records")} WHERE ns = $1 AND id = $2`, [
      ns,
      id,
    ]);
    return Number(r.rows[0]?.rev ?? 0);
  };
  const toRecord = (r: { id: string; rev: string; value: string }): StoredRecord => ({
    id: r.id,
    rev: Number(r.rev),
    value: r.value,
  });

  /** One conditional write inside the caller's transaction (named steps reported to `faults`). */
  const writeIn = async (c: PoolClient, ns: string, req: WriteRequest): Promise<WriteResult> => {
    const at = { ns, id: req.record.id, rev: req.record.rev };
    if (!(await guardOk(c, req.guard))) return { ok: false, reason: "fenced" };
    faults?.("begin", at);
    const { id, rev, value } = req.record;
    const r =
      req.expectRev === 0
        ? await c.query(
            `INSERT INTO ${t("records")} (ns, id, rev, value) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [ns, id, rev, value],
          )
        : await c.query(
            `UPDATE ${t("records")} SET rev = $3, value = $4 WHERE ns = $1 AND id = $2 AND rev = $5`,
            [ns, id, rev, value, req.expectRev],
          );
    if (r.rowCount !== 1) return { ok: false, reason: "conflict", currentRev: await currentRev(c, ns, id) };
    faults?.("record", at);
    await c.query(`DELETE FROM ${t("index")} WHERE ns = $1 AND id = $2`, [ns, id]);
    const fields = Object.keys(req.index);
    if (fields.length > 0) {
      await c.query(
        `INSERT INTO ${t("index")} (ns, field, value, id) SELECT $1, f, v, $2 FROM unnest($3::text[], $4::text[]) AS u(f, v)`,
        [ns, id, fields, fields.map((f) => req.index[f])],
      );
    }
    if (!req.uncounted) await tally(c, req.guard);
    faults?.("index", at);
    return { ok: true };
  };

  return {
    name: DRIVER_NAME,
    capabilities: postgresCapabilities,
    async init() {
      if (!ready) ready = init();
      await ready;
    },
    async ping() {
      await connect().query("SELECT 1");
    },
    async get(ns, id) {
      const rows = await q<{ id: string; rev: string; value: string }>(
        `SELECT id, rev, value FROM ${t("records")} WHERE ns = $1 AND id = $2`,
        [ns, id],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async write(ns, req) {
      const res = await tx((c) => writeIn(c, ns, req));
      if (res.ok) faults?.("commit", { ns, id: req.record.id, rev: req.record.rev });
      return res;
    },
    async writeMany(ns, reqs) {
      const failed = (r: BatchWriteResult) => Object.assign(new Error("batch refused"), { result: r });
      try {
        return await tx(async (c): Promise<BatchWriteResult> => {
          for (const [i, req] of reqs.entries()) {
            // Throwing rolls the whole transaction back: none of the batch commits.
            const res = await writeIn(c, ns, req);
            if (!res.ok) throw failed({ ...res, failedAt: i });
          }
          return { ok: true };
        });
      } catch (err) {
        const r = (err as { result?: BatchWriteResult }).result;
        if (r) return r;
        throw err;
      }
    },
    remove(ns, id, expectRev, guard) {
      return tx(async (c) => {
        if (!(await guardOk(c, guard))) return { ok: false, reason: "fenced" } as const;
        const r =
          expectRev === undefined
            ? await c.query(`DELETE FROM ${t("records")} WHERE ns = $1 AND id = $2`, [ns, id])
            : await c.query(`DELETE FROM ${t("records")} WHERE ns = $1 AND id = $2 AND rev = $3`, [
                ns,
                id,
                expectRev,
              ]);
        if (r.rowCount !== 1) {
          if (expectRev === undefined) return { ok: true, removed: false } as const;
          return { ok: false, reason: "conflict", currentRev: await currentRev(c, ns, id) } as const;
        }
        await c.query(`DELETE FROM ${t("index")} WHERE ns = $1 AND id = $2`, [ns, id]);
        await tally(c, guard);
        return { ok: true, removed: true } as const;
      });
    },
    async list(ns, query) {
      const { sql, params } = listSql(t, ns, query);
      return (await q<{ id: string; rev: string; value: string }>(sql, params)).map(toRecord);
    },
    async count(ns, where) {
      const { sql, params } = listSql(t, ns, { limit: 0, order: "asc", ...(where ? { where } : {}) }, true);
      const rows = await q<{ n: string }>(sql, params);
      return Number(rows[0]?.n ?? 0);
    },
    async namespaces() {
      return (await q<{ ns: string }>(`SELECT DISTINCT ns FROM ${t("records")} ORDER BY ns`)).map(
        (r) => r.ns,
      );
    },
    async *scan(ns) {
      let after = "";
      for (;;) {
        const page = (
          await q<{ id: string; rev: string; value: string }>(
            `SELECT id, rev, value FROM ${t("records")} WHERE ns = $1 AND id > $2 ORDER BY id LIMIT 500`,
            [ns, after],
          )
        ).map(toRecord);
        if (page.length === 0) return;
        yield* page;
        after = page[page.length - 1]!.id;
      }
    },
    async acquire(key, ttlMs) {
      const token = randomUUID();
      // One statement: take the row when free or expired, bumping the fence; otherwise no row.
      const rows = await q<{ fence: string; expires_at: string }>(
        `INSERT INTO ${t("locks")} (key, token, fence, expires_at) VALUES ($1, $2, 1, ${NOW_MS} + $3)
         ON CONFLICT (key) DO UPDATE SET token = excluded.token, fence = ${t("locks")}.fence + 1, expires_at = excluded.expires_at
         WHERE ${t("locks")}.token IS NULL OR ${t("locks")}.expires_at <= ${NOW_MS}
         RETURNING fence, expires_at`,
        [key, token, ttlMs],
      );
      const row = rows[0];
      if (!row) return null;
      await q(`DELETE FROM ${t("lease_writes")} WHERE key = $1 AND fence <= $2`, [
        key,
        Number(row.fence) - 1000,
      ]);
      return { key, token, fence: Number(row.fence), expiresAt: Number(row.expires_at) };
    },
    async extend(lease, ttlMs) {
      const rows = await q<{ expires_at: string }>(
        `UPDATE ${t("locks")} SET expires_at = ${NOW_MS} + $3 WHERE key = $1 AND token = $2 AND expires_at > ${NOW_MS} RETURNING expires_at`,
        [lease.key, lease.token, ttlMs],
      );
      return rows[0] ? merge(lease, { expiresAt: Number(rows[0].expires_at) }) : null;
    },
    async release(lease) {
      const rows = await q(
        `UPDATE ${t("locks")} SET token = NULL, expires_at = 0 WHERE key = $1 AND token = $2 RETURNING key`,
        [lease.key, lease.token],
      );
      return rows.length === 1;
    },
    async leaseWrites(key, fence) {
      const rows = await q<{ current: string | null; writes: string | null }>(
        `SELECT (SELECT fence FROM ${t("locks")} WHERE key = $1) AS current,
                (SELECT writes FROM ${t("lease_writes")} WHERE key = $1 AND fence = $2) AS writes`,
        [key, fence],
      );
      return { currentFence: Number(rows[0]?.current ?? 0), writes: Number(rows[0]?.writes ?? 0) };
    },
    async incr(key, windowMs) {
      const rows = await q<{ count: string; reset_at: string }>(
        `INSERT INTO ${t("counters")} AS c (key, count, reset_at) VALUES ($1, 1, ${NOW_MS} + $2)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN c.reset_at <= ${NOW_MS} THEN 1 ELSE c.count + 1 END,
           reset_at = CASE WHEN c.reset_at <= ${NOW_MS} THEN ${NOW_MS} + $2 ELSE c.reset_at END
         RETURNING count, reset_at`,
        [key, windowMs],
      );
      return { count: Number(rows[0]!.count), resetAt: Number(rows[0]!.reset_at) };
    },
    async now() {
      const rows = await connect().query<{ now: string }>(`SELECT ${NOW_MS} AS now`);
      return Number(rows.rows[0]!.now);
    },
    async close() {
      const p = pool;
      pool = undefined;
      ready = undefined;
      await p?.end();
    },
  };
}

/** Listing SQL: driven by the first index so Postgres walks (ns, field, value, id) and stops at LIMIT. */
function listSql(
  t: (name: string) => string,
  ns: string,
  q: ListQuery,
  countOnly = false,
): { sql: string; params: unknown[] } {
  const where = Object.entries((q.where ?? {}) as IndexValues);
  const params: unknown[] = [ns];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const key = where.length > 0 ? "i0.id" : "r.id";
  const cols = countOnly ? "count(*) AS n" : "r.id, r.rev, r.value";
  let sql: string;
  if (where.length === 0) {
    sql = `SELECT ${cols} FROM ${t("records")} r WHERE r.ns = $1`;
  } else {
    sql = `SELECT ${cols} FROM ${t("index")} i0`;
    where.slice(1).forEach(([field, value], k) => {
      const i = k + 1;
      sql += ` JOIN ${t("index")} i${i} ON i${i}.ns = i0.ns AND i${i}.id = i0.id AND i${i}.field = ${p(field)} AND i${i}.value = ${p(value)}`;
    });
    sql += ` JOIN ${t("records")} r ON r.ns = i0.ns AND r.id = i0.id WHERE i0.ns = $1 AND i0.field = ${p(where[0]![0])} AND i0.value = ${p(where[0]![1])}`;
  }
  // Columns are COLLATE "C": byte order like the other drivers, whatever the database locale.
  if (q.after !== undefined) sql += ` AND ${key} ${q.order === "asc" ? ">" : "<"} ${p(q.after)}`;
  if (!countOnly) sql += ` ORDER BY ${key} ${q.order === "asc" ? "ASC" : "DESC"} LIMIT ${p(q.limit)}`;
  return { sql, params };
}
