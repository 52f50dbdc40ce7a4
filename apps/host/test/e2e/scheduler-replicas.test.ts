/**
 * S1–S3 (RELIABILITY.md): three host processes on one store run a `* * * * * *` job. Every slot
 * between the first and last observed has exactly one claim and one history entry, and its
 * recorded `committed_writes` equals the effects found in the store; a SIGKILLed replica's tick
 * ends `interrupted` and nothing runs twice; a SIGSTOPped replica's late writes are fenced.
 *
 * The harness never acts on a stale observation (issue #21): it SIGSTOPs the replica first, reads
 * the run and its effects from the store while the process cannot move, and only kills (or keeps
 * paused) a run that is still in progress with no effect yet; otherwise it SIGCONTs and picks the
 * next run.
 *
 * Backends: the embedded SQLite file (shared by the 3 processes) always; Redis and Postgres when
 * VALHALLA_TEST_REDIS_URL / VALHALLA_TEST_POSTGRES_URL are set AND `createDriver` supports the
 * URL scheme.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Driver, JOB_RUNS_NS, JOB_SLOTS_NS, type RunRecord } from "@valhalla/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { createDriver } from "../../src/storage/create-driver.js";

const HOST_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRY = join(HOST_DIR, "test", "e2e", "replica-entry.ts");
const TTL = 5000;
const JOB = "/jobs/ticker/every-second/runs?limit=1000";
const CI = process.env.CI === "true";

interface Backend {
  readonly name: string;
  /** Storage URL for this run (own prefix / schema / file). */
  readonly url: string | undefined;
  /** Replicas passed to the registry: SQLite reports process-level locks, so it stays 1. */
  readonly replicas: number;
  readonly cleanup: () => Promise<void>;
  /**
   * Whether a (stopped) process holds a store transaction open right now. Keeping such a process
   * stopped would block the other replicas (SQLite's write lock, Postgres row locks), so the harness
   * resumes it and picks another moment. Redis needs none: its scripts are atomic.
   */
  readonly openTransaction?: () => Promise<TxProbe>;
}

interface TxProbe {
  busy(): Promise<boolean>;
  close(): Promise<void>;
}

const runTag = `e2e_${randomBytes(4).toString("hex")}`;
const sqliteDir = mkdtempSync(join(tmpdir(), "valhalla-e2e-"));

const withParam = (url: string, name: string, value: string) => {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
};

/** Load a client library by name without making it a compile-time dependency of the host. */
const load = async (name: string): Promise<any> => import(name as string);

const backends: Backend[] = [
  {
    name: "sqlite",
    url: `sqlite:${join(sqliteDir, "store.db")}`,
    replicas: 1,
    cleanup: async () => rmSync(sqliteDir, { recursive: true, force: true }),
    openTransaction: async () => {
      const Database = (await load("better-sqlite3")).default;
      // timeout 0: fail at once instead of waiting for the lock.
      const db = new Database(join(sqliteDir, "store.db"), { timeout: 0 });
      return {
        async busy() {
          try {
            db.exec("BEGIN IMMEDIATE");
            db.exec("ROLLBACK");
            return false;
          } catch (err) {
            if ((err as { code?: string }).code?.startsWith("SQLITE_BUSY")) return true;
            throw err;
          }
        },
        async close() {
          db.close();
        },
      };
    },
  },
  {
    name: "redis",
    url:
      process.env.VALHALLA_TEST_REDIS_URL &&
      withParam(process.env.VALHALLA_TEST_REDIS_URL, "prefix", `${runTag}:`),
    replicas: 3,
    cleanup: async () => {
      const base = process.env.VALHALLA_TEST_REDIS_URL;
      if (!base) return;
      const { Redis } = await load("ioredis");
      const client = new Redis(base);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `${runTag}:*`, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== "0");
      } finally {
        client.disconnect();
      }
    },
  },
  {
    name: "postgres",
    url:
      process.env.VALHALLA_TEST_POSTGRES_URL &&
      withParam(process.env.VALHALLA_TEST_POSTGRES_URL, "schema", runTag),
    replicas: 3,
    cleanup: async () => {
      const base = process.env.VALHALLA_TEST_POSTGRES_URL;
      if (!base) return;
      const pg = await load("pg");
      const client = new (pg.default ?? pg).Client({ connectionString: base });
      await client.connect();
      try {
        // Only this run's own schema.
        await client.query(`DROP SCHEMA IF EXISTS "${runTag}" CASCADE`);
      } finally {
        await client.end();
      }
    },
    openTransaction: async () => {
      const pg = await load("pg");
      const client = new (pg.default ?? pg).Client({
        connectionString: process.env.VALHALLA_TEST_POSTGRES_URL,
      });
      await client.connect();
      return {
        async busy() {
          // A session of this run's schema left inside a transaction between two statements.
          const { rows } = await client.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' AND query LIKE $1`,
            [`%"${runTag}"%`],
          );
          return rows[0].n > 0;
        },
        async close() {
          await client.end();
        },
      };
    },
  },
];

interface Replica {
  readonly id: string;
  proc: ChildProcess;
  port: number;
  log: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnReplica(id: string, backend: Backend, previous?: Replica): Promise<Replica> {
  const proc = spawn(process.execPath, ["--import", "tsx", "--conditions=@valhalla/source", ENTRY], {
    cwd: HOST_DIR,
    env: {
      ...process.env,
      VALHALLA_STORAGE: backend.url,
      VALHALLA_REPLICA_ID: id,
      VALHALLA_REPLICAS: String(backend.replicas),
      VALHALLA_JOB_LEASE_MS: String(TTL),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const replica: Replica = { id, proc, port: 0, log: previous?.log ?? [] };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`replica ${id} did not start: ${replica.log.join("\n")}`)),
      30_000,
    );
    let buf = "";
    const onLine = (line: string) => {
      replica.log.push(line);
      if (replica.port === 0 && line.startsWith('{"ready"')) {
        replica.port = (JSON.parse(line) as { ready: number }).ready;
        clearTimeout(timer);
        resolve(replica);
      }
    };
    proc.stdout!.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    });
    proc.stderr!.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line) replica.log.push(line);
    });
    proc.once("exit", (code, signal) => {
      if (replica.port === 0) {
        clearTimeout(timer);
        reject(new Error(`replica ${id} exited (${code ?? signal}): ${replica.log.join("\n")}`));
      }
    });
  });
}

async function runs(r: Replica): Promise<RunRecord[]> {
  const res = await fetch(`http://127.0.0.1:${r.port}${JOB}`);
  if (res.status !== 200) throw new Error(`GET runs on ${r.id}: ${res.status}`);
  return ((await res.json()) as { items: RunRecord[] }).items;
}

/** Poll `fn` every 25 ms until it returns a value; `ms` only bounds a failing wait. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => p.once("exit", () => r()));

interface Effect {
  tick_id: string;
  fence: number;
  replica: string;
  started_at: number;
  ended_at: number;
}

/** A run's entry and its effects, read from the store itself (not through a replica). */
async function inspect(store: Driver, run: Pick<RunRecord, "run_id" | "tick_id">) {
  const entries = (await store.list(JOB_RUNS_NS, { limit: 10_000, order: "asc" })).map(
    (r) => JSON.parse(r.value) as RunRecord,
  );
  const effects = (await store.list("ticker.effects", { limit: 10_000, order: "asc" })).map(
    (r) => JSON.parse(r.value) as Effect,
  );
  return {
    entry: entries.find((e) => e.run_id === run.run_id),
    effects: effects.filter((e) => e.tick_id === run.tick_id).length,
  };
}

/**
 * SIGSTOP one of `replicas` while one of its runs is in progress, then check the store: keep it
 * stopped only if that run is still in progress and has no effect yet; else SIGCONT and try the
 * next run. Any replica will do, and the history is read through each in turn (every replica reads
 * the same store): which one wins the slots depends on how busy the machine is, so waiting for a
 * named one, or reading through the one that wins them all, could wait for ever.
 */
async function stopRunWithoutEffect(replicas: readonly Replica[], store: Driver, tx?: TxProbe) {
  const tried = new Set<string>();
  let poll = 0;
  for (let attempt = 1; attempt <= 20; attempt++) {
    const run = await until(
      "a run in progress on any replica",
      async () => {
        const observer = replicas[poll++ % replicas.length]!;
        return (await runs(observer)).find(
          (r) =>
            r.outcome === null &&
            r.replica !== observer.id &&
            replicas.some((x) => x.id === r.replica) &&
            !tried.has(r.run_id),
        );
      },
      30_000,
    );
    const victim = replicas.find((r) => r.id === run.replica)!;
    victim.proc.kill("SIGSTOP");
    if (await tx?.busy()) {
      // Stopped inside a transaction: resume it at once and try again (same run or the next).
      victim.proc.kill("SIGCONT");
      continue;
    }
    const seen = await inspect(store, run);
    if (seen.entry?.outcome === null && seen.effects === 0) return { run, victim, attempts: attempt };
    tried.add(run.run_id);
    victim.proc.kill("SIGCONT");
  }
  throw new Error("no run could be stopped before its effect in 20 attempts");
}

describe("scheduler across replicas (S1–S3)", () => {
  afterAll(async () => {
    for (const b of backends) await b.cleanup().catch(() => {});
  });

  for (const backend of backends) {
    it(`should run every slot exactly once on ${backend.name}, survive SIGKILL and fence a SIGSTOPped replica`, async (t) => {
      if (!backend.url) {
        if (CI) throw new Error(`CI=true but the ${backend.name} URL variable is not set`);
        console.warn(
          `[skip] ${backend.name}: set VALHALLA_TEST_${backend.name.toUpperCase()}_URL to run this case`,
        );
        t.skip();
        return;
      }
      const replicas = await Promise.all(["a", "b", "c"].map((id) => spawnReplica(id, backend)));
      const c = replicas[2]!;
      const store = await createDriver(backend.url);
      await store.init();
      const tx = await backend.openTransaction?.();
      // Wall-clock time of each phase, reported only (never asserted).
      const t0 = Date.now();
      const phases: string[] = [];
      const phase = (name: string) => phases.push(`${name}@${((Date.now() - t0) / 1000).toFixed(1)}s`);
      try {
        // Warm-up: every replica is scheduling once a few slots have completed.
        await until(
          "5 finished slots",
          async () => ((await runs(c)).filter((r) => r.outcome !== null).length >= 5 ? true : undefined),
          30_000,
        );

        // Kill phase (S2): SIGKILL a replica while its run is in progress with no effect yet.
        phase("warm");
        const kill = await stopRunWithoutEffect(replicas, store, tx);
        phase("killed");
        const killed = kill.run;
        const victim = kill.victim;
        victim.proc.kill("SIGKILL");
        const killedAt = await store.now();
        await exited(victim.proc);
        // The scenario (S2): the replica stays down 3 s before it is restarted.
        await sleep(3000);
        const restarted = await spawnReplica(victim.id, backend, victim);
        replicas[replicas.indexOf(victim)] = restarted;
        const interrupted = await until(
          "the killed run to be declared",
          async () => {
            const { entry } = await inspect(store, killed);
            return entry?.outcome ? entry : undefined;
          },
          3 * TTL,
        );

        // Pause phase (S3): SIGSTOP a replica mid-run (no effect yet) and keep it stopped until
        // another replica has fenced its lease and declared the run; then SIGCONT: its late effect
        // write and its completion must both be rejected.
        phase("declared");
        const pause = await stopRunWithoutEffect(replicas, store, tx);
        phase("stopped");
        const paused = pause.run;
        const pausedVictim = pause.victim;
        const stoppedAt = Date.now();
        const pausedDeclared = await until(
          "the paused run to be declared",
          async () => {
            const { entry } = await inspect(store, paused);
            return entry?.outcome ? entry : undefined;
          },
          3 * TTL,
        );
        pausedVictim.proc.kill("SIGCONT");
        const pausedForMs = Date.now() - stoppedAt;
        phase("resumed");
        const discarded = await until(
          `${pausedVictim.id} to notice it lost its lease`,
          async () =>
            pausedVictim.log.some((l) => l.includes("job result discarded") && l.includes(paused.run_id))
              ? true
              : undefined,
          3 * TTL,
        );
        // Run on until every replica has had time to schedule again: 3 more successes after the
        // paused one resumed, and at least 30 slots in all.
        await until(
          "3 successes after the pause and 30 slots",
          async () => {
            const all = await runs(restarted);
            const after = all.filter(
              (r) => r.outcome === "success" && Date.parse(r.slot) > Date.parse(pausedDeclared.ended_at!),
            );
            return after.length >= 3 && all.length >= 32 ? true : undefined;
          },
          60_000,
        );

        // Read everything back from one replica and from the store itself.
        phase("done");
        const history = (await runs(restarted)).filter((r) => r.outcome !== null).reverse();
        const claims = (await store.list(JOB_SLOTS_NS, { limit: 10_000, order: "asc" })).map(
          (r) => JSON.parse(r.value) as { slot: string },
        );
        const effects = (await store.list("ticker.effects", { limit: 10_000, order: "asc" })).map(
          (r) => JSON.parse(r.value) as Effect,
        );

        // S1: every slot from first to last: exactly 1 history entry and 1 claim, no gaps.
        const first = Date.parse(history[0]!.slot);
        const last = Date.parse(history[history.length - 1]!.slot);
        const expected: string[] = [];
        for (let s = first; s <= last; s += 1000) expected.push(new Date(s).toISOString());
        expect(expected.length).toBeGreaterThanOrEqual(30);
        expect(history.map((h) => h.slot)).toEqual(expected);
        const claimed = claims.map((cl) => cl.slot).filter((s) => s >= expected[0]! && s <= expected.at(-1)!);
        expect(claimed.sort()).toEqual(expected);

        // Every slot: the effects in the store are exactly what its entry says it committed; a
        // successful tick has exactly one, written under its own fence by its own replica.
        const byTick = new Map<string, Effect[]>();
        for (const e of effects) byTick.set(e.tick_id, [...(byTick.get(e.tick_id) ?? []), e]);
        for (const h of history) {
          const got = byTick.get(h.tick_id) ?? [];
          expect(got.length, `${h.slot} ${h.outcome}`).toBe(h.committed_writes);
          if (h.outcome === "success")
            expect(got.map((e) => [e.fence, e.replica])).toEqual([[h.fence, h.replica]]);
          else if (h.outcome !== "interrupted") expect(got, `${h.slot} ${h.outcome}`).toEqual([]);
        }
        expect(Math.max(...[...byTick.values()].map((v) => v.length))).toBe(1);

        // Fences grow along slot order; side-effect intervals never overlap.
        const fences = history.filter((h) => h.fence !== null).map((h) => h.fence!);
        expect(fences).toEqual([...fences].sort((x, y) => x - y));
        expect(new Set(fences).size).toBe(fences.length);
        const intervals = [...effects].sort((x, y) => x.started_at - y.started_at);
        for (let i = 1; i < intervals.length; i++)
          expect(intervals[i]!.started_at).toBeGreaterThanOrEqual(intervals[i - 1]!.ended_at);

        // S2: the killed tick was stopped with no effect, so it is interrupted with 0 committed
        // writes and 0 effects; it was declared only after its lease copy expired (store clock).
        expect(interrupted).toMatchObject({
          outcome: "interrupted",
          replica: victim.id,
          committed_writes: 0,
        });
        expect(byTick.get(killed.tick_id) ?? []).toEqual([]);
        expect(Date.parse(interrupted.ended_at!)).toBeGreaterThanOrEqual(
          Date.parse(interrupted.lease_expires_at!),
        );
        const interruptedAfterMs = Date.parse(interrupted.ended_at!) - killedAt;
        const afterKill = history.filter(
          (h) => h.slot > killed.slot && Date.parse(h.slot) <= Date.parse(interrupted.ended_at!),
        );
        const overlapSkips = afterKill.filter((h) => h.outcome === "skipped-overlap").length;
        // At most the slots of one lease.
        expect(overlapSkips).toBeLessThanOrEqual(Math.ceil(TTL / 1000));

        // S3: the paused run is interrupted with 0 committed writes (not overwritten by its late
        // completion), its late effect write was rejected, and its replica noticed.
        const pausedFinal = history.find((h) => h.run_id === paused.run_id)!;
        expect(pausedFinal).toMatchObject({
          outcome: "interrupted",
          replica: pausedVictim.id,
          committed_writes: 0,
        });
        expect(pausedFinal).toEqual(pausedDeclared);
        expect(byTick.get(paused.tick_id) ?? []).toEqual([]);
        expect(discarded).toBe(true);

        // Every tick once the paused replica was back ran again.
        const tail = history.filter((h) => Date.parse(h.slot) > Date.parse(pausedDeclared.ended_at!) + 2000);
        expect(tail.length).toBeGreaterThan(0);
        expect(tail.every((h) => h.outcome === "success")).toBe(true);

        const counts: Record<string, number> = {};
        for (const h of history) counts[h.outcome!] = (counts[h.outcome!] ?? 0) + 1;
        console.info(
          `[e2e ${backend.name}] slots=${expected.length} outcomes=${JSON.stringify(counts)} ` +
            `killAttempts=${kill.attempts} pauseAttempts=${pause.attempts} ` +
            `killed→interrupted=${interruptedAfterMs}ms (store clock) paused=${pausedForMs}ms ` +
            `overlapSkipsAfterKill=${overlapSkips} effects=${effects.length} phases=${phases.join(",")}`,
        );
        if (process.env.VALHALLA_E2E_VERBOSE) {
          console.info(
            history
              .map((h) => `${h.slot} ${h.replica} ${h.outcome} w=${h.committed_writes} ${h.error ?? ""}`)
              .join("\n"),
          );
          for (const r of replicas)
            console.info(r.log.filter((l) => /"level":"(warn|error)"/.test(l)).join("\n"));
        }
      } finally {
        for (const r of replicas) {
          if (r.proc.exitCode === null && r.proc.signalCode === null) {
            r.proc.kill("SIGCONT");
            r.proc.kill("SIGKILL");
          }
        }
        await Promise.all(replicas.map((r) => exited(r.proc)));
        await tx?.close();
        await store.close();
      }
    }, 180_000);
  }
});
