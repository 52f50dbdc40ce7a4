import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
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

/** Options of the embedded SQLite driver. @public */
export interface SqliteDriverOptions {
  /** Database file; `:memory:` for a throwaway database. @default "./data/valhalla.db" */
  readonly path?: string;
  /** How long a writer waits for another process's transaction, in ms. @default 5000 */
  readonly busyTimeoutMs?: number;
  /**
   * Page cache of each connection, in KiB (SQLite's `cache_size`). Memory the host keeps after
   * reading through a large store: better-sqlite3's build defaults to 16 MiB per connection, which
   * a scan over 100k records fills while a small store never does. The OS file cache still holds
   * recently read pages. @default 2048
   */
  readonly cacheKiB?: number;
  /** Clock for lease expiry and `now()`; tests pass a manual one. @default Date.now */
  readonly now?: () => number;
  /** Called at each named step of a record write (crash tests); see {@link WriteFaults}. */
  readonly faults?: WriteFaults;
}

const DRIVER_NAME = "sqlite";
/** SQLite's own default page cache (better-sqlite3 builds with 16 MiB). */
const DEFAULT_CACHE_KIB = 2048;

/** Packages this driver loads lazily; listed as optional peers. @public */
export const DRIVER_DEPENDENCIES: readonly string[] = ["better-sqlite3"];

/**
 * Embedded SQLite is durable (WAL + synchronous=FULL). Its locks are correct across processes of
 * one machine, but not across machines, so they are reported as process-level.
 * @public
 */
export const sqliteCapabilities: DriverCapabilities = { locks: "process", indexes: "native", durable: true };

const COUNTER_UPSERT =
  "INSERT INTO v_counters (key, count, reset_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET count = excluded.count, reset_at = excluded.reset_at";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS v_records (ns TEXT NOT NULL, id TEXT NOT NULL, rev INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS v_index (ns TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ns, field, value, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS v_index_by_id ON v_index (ns, id);
CREATE TABLE IF NOT EXISTS v_counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS v_locks (key TEXT PRIMARY KEY, token TEXT, fence INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS v_lease_writes (key TEXT NOT NULL, fence INTEGER NOT NULL, writes INTEGER NOT NULL, PRIMARY KEY (key, fence)) WITHOUT ROWID;
`;

/**
 * The embedded default: one SQLite file through better-sqlite3 12.x. Writes run in
 * `BEGIN IMMEDIATE` transactions and are acknowledged only after commit, with WAL and
 * `synchronous=FULL` so an acknowledged write survives a crash or power loss.
 *
 * @example
 * const host = await createHost({ packs, storage: sqlite({ path: "./data/valhalla.db" }) });
 * @public
 */
export default function sqlite(options: SqliteDriverOptions = {}): Driver {
  const path = options.path ?? "./data/valhalla.db";
  const clock = options.now ?? Date.now;
  const faults: WriteFaults | undefined = options.faults;
  const cacheSize = _cacheSizePragma(options.cacheKiB ?? DEFAULT_CACHE_KIB);
  let db: BetterSqlite3.Database | undefined;
  let stmts: ReturnType<typeof _prepare> | undefined;
  let counters:
    | { db: BetterSqlite3.Database; get: BetterSqlite3.Statement; put: BetterSqlite3.Statement }
    | undefined;

  const open = () => {
    if (db) return stmts!;
    let Database: typeof BetterSqlite3;
    try {
      Database = createRequire(import.meta.url)("better-sqlite3");
    } catch (cause) {
      throw createError(DRIVER_NAME, "Install `better-sqlite3@12` to use the embedded store.", { cause });
    }
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma(`cache_size = ${cacheSize}`);
    db.exec(SCHEMA);
    stmts = _prepare(db);
    // Rate-limit counters are hit on every request and need no fsync: they get their own
    // connection with synchronous=NORMAL (in WAL mode: safe from corruption, may lose the last
    // counts on power loss). Records and leases keep synchronous=FULL on the main connection.
    const cdb = path === ":memory:" ? db : new Database(path);
    if (cdb !== db) {
      cdb.pragma("synchronous = NORMAL");
      cdb.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      cdb.pragma(`cache_size = ${cacheSize}`);
    }
    counters = { db: cdb, get: stmts.getCounter, put: stmts.putCounter };
    if (cdb !== db) {
      counters.get = cdb.prepare("SELECT count, reset_at FROM v_counters WHERE key = ?");
      counters.put = cdb.prepare(COUNTER_UPSERT);
    }
    return stmts;
  };
  // better-sqlite3 transactions are synchronous; `.immediate` takes the write lock up front so a
  // concurrent writer waits on busy_timeout instead of failing with SQLITE_BUSY mid-transaction.
  const tx = <T>(fn: () => T): T => db!.transaction(fn).immediate();

  const guardOk = (s: ReturnType<typeof _prepare>, guard: Lease | undefined) => {
    if (!guard) return true;
    const row = s.getLock.get(guard.key) as LockRow | undefined;
    return !!row && row.token === guard.token && row.fence === guard.fence && row.expires_at > clock();
  };

  /** One conditional write inside the caller's transaction (named steps reported to `faults`). */
  const writeIn = (s: ReturnType<typeof _prepare>, ns: string, req: WriteRequest): WriteResult => {
    const at = { ns, id: req.record.id, rev: req.record.rev };
    if (!guardOk(s, req.guard)) return { ok: false, reason: "fenced" };
    const cur = s.rev.get(ns, req.record.id) as { rev: number } | undefined;
    const curRev = cur?.rev ?? 0;
    if (curRev !== req.expectRev) return { ok: false, reason: "conflict", currentRev: curRev };
    faults?.("begin", at);
    s.upsert.run(ns, req.record.id, req.record.rev, req.record.value);
    faults?.("record", at);
    s.clearIndex.run(ns, req.record.id);
    for (const [field, value] of Object.entries(req.index)) s.addIndex.run(ns, field, value, req.record.id);
    // Counted in the write's own transaction: the count can never miss or invent a write.
    if (req.guard && !req.uncounted) s.tally.run(req.guard.key, req.guard.fence);
    faults?.("index", at);
    return { ok: true };
  };

  const driver: Driver & { readonly database: () => BetterSqlite3.Database } = {
    name: DRIVER_NAME,
    capabilities: sqliteCapabilities,
    database: () => {
      open();
      return db!;
    },
    async init() {
      open();
    },
    async ping() {
      open().ping.get();
    },
    async get(ns, id) {
      const row = open().get.get(ns, id) as StoredRecord | undefined;
      return row ? { id: row.id, rev: row.rev, value: row.value } : null;
    },
    async write(ns, req: WriteRequest): Promise<WriteResult> {
      const s = open();
      const res = tx(() => writeIn(s, ns, req));
      if (res.ok) faults?.("commit", { ns, id: req.record.id, rev: req.record.rev });
      return res;
    },
    async writeMany(ns, reqs) {
      const s = open();
      const failed = (r: BatchWriteResult) => Object.assign(new Error("batch refused"), { result: r });
      try {
        return tx((): BatchWriteResult => {
          for (const [i, req] of reqs.entries()) {
            // Throwing rolls the whole transaction back: none of the batch commits.
            const res = writeIn(s, ns, req);
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
    async remove(ns, id, expectRev, guard) {
      const s = open();
      return tx(() => {
        if (!guardOk(s, guard)) return { ok: false, reason: "fenced" } as const;
        const cur = s.rev.get(ns, id) as { rev: number } | undefined;
        if (expectRev !== undefined && (cur?.rev ?? 0) !== expectRev) {
          return { ok: false, reason: "conflict", currentRev: cur?.rev ?? 0 } as const;
        }
        if (!cur) return { ok: true, removed: false } as const;
        s.del.run(ns, id);
        s.clearIndex.run(ns, id);
        if (guard) s.tally.run(guard.key, guard.fence);
        return { ok: true, removed: true } as const;
      });
    },
    async list(ns, q: ListQuery) {
      open();
      const { sql, params } = _listSql(ns, q);
      return db!.prepare(sql).all(...params) as StoredRecord[];
    },
    async count(ns, where) {
      open();
      const { sql, params } = _listSql(ns, { where, limit: -1, order: "asc" } as ListQuery, true);
      return (db!.prepare(sql).get(...params) as { n: number }).n;
    },
    async namespaces() {
      return (open().namespaces.all() as { ns: string }[]).map((r) => r.ns);
    },
    async *scan(ns) {
      open();
      let after = "";
      for (;;) {
        const page = db!
          .prepare("SELECT id, rev, value FROM v_records WHERE ns = ? AND id > ? ORDER BY id LIMIT 500")
          .all(ns, after) as StoredRecord[];
        if (page.length === 0) return;
        yield* page;
        after = page[page.length - 1]!.id;
      }
    },
    async acquire(key, ttlMs) {
      const s = open();
      return tx(() => {
        const now = clock();
        const row = s.getLock.get(key) as LockRow | undefined;
        if (row?.token && row.expires_at > now) return null;
        const lease: Lease = {
          key,
          token: randomUUID(),
          fence: (row?.fence ?? 0) + 1,
          expiresAt: now + ttlMs,
        };
        s.putLock.run(key, lease.token, lease.fence, lease.expiresAt);
        s.pruneTally.run(key, lease.fence - 1000);
        return lease;
      });
    },
    async extend(lease, ttlMs) {
      const s = open();
      return tx(() => {
        const now = clock();
        const row = s.getLock.get(lease.key) as LockRow | undefined;
        if (!row || row.token !== lease.token || row.expires_at <= now) return null;
        s.putLock.run(lease.key, lease.token, row.fence, now + ttlMs);
        return merge(lease, { expiresAt: now + ttlMs });
      });
    },
    async release(lease) {
      const s = open();
      return tx(() => s.releaseLock.run(lease.key, lease.token).changes === 1);
    },
    async leaseWrites(key, fence) {
      const s = open();
      const lock = s.getLock.get(key) as LockRow | undefined;
      const row = s.getTally.get(key, fence) as { writes: number } | undefined;
      return { currentFence: lock?.fence ?? 0, writes: row?.writes ?? 0 };
    },
    async incr(key, windowMs) {
      open();
      const c = counters!;
      return c.db
        .transaction(() => {
          const now = clock();
          const row = c.get.get(key) as { count: number; reset_at: number } | undefined;
          const next =
            !row || row.reset_at <= now
              ? { count: 1, resetAt: now + windowMs }
              : { count: row.count + 1, resetAt: row.reset_at };
          c.put.run(key, next.count, next.resetAt);
          return next;
        })
        .immediate();
    },
    async now() {
      return clock();
    },
    async close() {
      if (counters && counters.db !== db) counters.db.close();
      counters = undefined;
      db?.close();
      db = undefined;
    },
  };
  return driver;
}

interface LockRow {
  token: string | null;
  fence: number;
  expires_at: number;
}

function _prepare(db: BetterSqlite3.Database) {
  return {
    ping: db.prepare("SELECT 1"),
    get: db.prepare("SELECT id, rev, value FROM v_records WHERE ns = ? AND id = ?"),
    rev: db.prepare("SELECT rev FROM v_records WHERE ns = ? AND id = ?"),
    upsert: db.prepare(
      "INSERT INTO v_records (ns, id, rev, value) VALUES (?, ?, ?, ?) ON CONFLICT (ns, id) DO UPDATE SET rev = excluded.rev, value = excluded.value",
    ),
    del: db.prepare("DELETE FROM v_records WHERE ns = ? AND id = ?"),
    clearIndex: db.prepare("DELETE FROM v_index WHERE ns = ? AND id = ?"),
    addIndex: db.prepare("INSERT OR IGNORE INTO v_index (ns, field, value, id) VALUES (?, ?, ?, ?)"),
    namespaces: db.prepare("SELECT DISTINCT ns FROM v_records ORDER BY ns"),
    getLock: db.prepare("SELECT token, fence, expires_at FROM v_locks WHERE key = ?"),
    putLock: db.prepare(
      "INSERT INTO v_locks (key, token, fence, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET token = excluded.token, fence = excluded.fence, expires_at = excluded.expires_at",
    ),
    getCounter: db.prepare("SELECT count, reset_at FROM v_counters WHERE key = ?"),
    putCounter: db.prepare(COUNTER_UPSERT),
    tally: db.prepare(
      "INSERT INTO v_lease_writes (key, fence, writes) VALUES (?, ?, 1) ON CONFLICT (key, fence) DO UPDATE SET writes = writes + 1",
    ),
    getTally: db.prepare("SELECT writes FROM v_lease_writes WHERE key = ? AND fence = ?"),
    pruneTally: db.prepare("DELETE FROM v_lease_writes WHERE key = ? AND fence <= ?"),
    releaseLock: db.prepare("UPDATE v_locks SET token = NULL, expires_at = 0 WHERE key = ? AND token = ?"),
  };
}

function _listSql(ns: string, q: ListQuery, countOnly = false): { sql: string; params: unknown[] } {
  const where = Object.entries(q.where ?? {});
  const params: unknown[] = [];
  // Drive the query from the first index so SQLite walks (ns, field, value, id) in id order and
  // stops at LIMIT, instead of scanning the namespace.
  const key = where.length > 0 ? "i0.id" : "r.id";
  let sql: string;
  if (where.length === 0) {
    sql = `SELECT ${countOnly ? "count(*) AS n" : "r.id, r.rev, r.value"} FROM v_records r WHERE r.ns = ?`;
    params.push(ns);
  } else {
    sql = `SELECT ${countOnly ? "count(*) AS n" : "r.id, r.rev, r.value"} FROM v_index i0`;
    where.slice(1).forEach(([field, value], k) => {
      const i = k + 1;
      sql += ` JOIN v_index i${i} ON i${i}.ns = i0.ns AND i${i}.id = i0.id AND i${i}.field = ? AND i${i}.value = ?`;
      params.push(field, value);
    });
    sql +=
      " JOIN v_records r ON r.ns = i0.ns AND r.id = i0.id WHERE i0.ns = ? AND i0.field = ? AND i0.value = ?";
    params.push(ns, where[0]![0], where[0]![1]);
  }
  if (q.after !== undefined) {
    sql += q.order === "asc" ? ` AND ${key} > ?` : ` AND ${key} < ?`;
    params.push(q.after);
  }
  if (!countOnly) {
    sql += ` ORDER BY ${key} ${q.order === "asc" ? "ASC" : "DESC"} LIMIT ?`;
    params.push(q.limit);
  }
  return { sql, params };
}

/** `cache_size` takes KiB as a negative number (a positive one counts pages). */
function _cacheSizePragma(kib: number): number {
  if (!Number.isSafeInteger(kib) || kib < 1) {
    throw createError(DRIVER_NAME, `Option \`cacheKiB\` must be a positive integer, got ${kib}.`);
  }
  return -kib;
}

export type { IndexValues };
