import { join } from "node:path";
import { createDriver } from "@valhalla/host";
import type { Driver } from "@valhalla/runtime";
import { HOST_FEATURES, type HostFeature, SERVER_KINDS, type ServerKind } from "./apps.js";
import { type Backend, cleanup, isolate, settle } from "./backends.js";
import { type Child, drive, type LoadResult, percentile, spawnServer, timeSequential } from "./load.js";
import { seedScale } from "./seed.js";

/** Knobs shared by every case. */
export interface CaseOptions {
  readonly seconds: number;
  readonly connections: number;
  readonly repeats: number;
  readonly tmpDir: string;
  readonly log: (line: string) => void;
}

// ---------------------------------------------------------------- overhead

/** The operations compared across servers. */
export const OVERHEAD_OPS = ["get", "create", "healthz"] as const;
export type OverheadOp = (typeof OVERHEAD_OPS)[number];

export interface OverheadRow extends LoadResult {
  readonly backend: string;
  readonly op: OverheadOp;
  readonly server: ServerKind;
  /**
   * Server CPU time per request (user + system, all threads, µs) in the reported run: unlike
   * req/s it hardly moves when other work shares the machine, so it shows where a change helped.
   */
  readonly cpu_us_per_req: number;
  /** req/s of every repeat, in run order; the row reports the best. */
  readonly runs: number[];
}

const CREATE_BODY = JSON.stringify({
  type: "property",
  label: "Bench holding",
  jurisdiction: "US-CA",
  currency: "USD",
});

/**
 * The same GET by id and create against the host and the bare apps, each in its own child
 * process over its own copy of the backend seeded with `seed` holdings. Repeats alternate the
 * order of servers (forward, then reversed) and keep the best run of each, since the machine is
 * shared and noisy.
 */
export async function overheadCase(
  backend: Backend,
  o: CaseOptions & {
    ops?: readonly OverheadOp[];
    servers?: readonly ServerKind[];
    seed?: number;
    warmup?: boolean;
    /** The case's name in progress lines. @default "overhead" */
    name?: string;
  },
): Promise<OverheadRow[]> {
  const servers = o.servers ?? SERVER_KINDS;
  const children = new Map<ServerKind, Child>();
  try {
    for (const kind of servers) {
      const url = isolate(backend.url, o.tmpDir, kind);
      const logFile = join(o.tmpDir, `${backend.name}-${kind}.log`);
      children.set(kind, await spawnServer({ kind, url, seed: o.seed ?? 1000, logFile }));
    }
    const rows: OverheadRow[] = [];
    for (const op of o.ops ?? OVERHEAD_OPS) {
      const best = await bestOfRepeats(
        children,
        op,
        o,
        (kind, r) => `${o.name ?? "overhead"} ${backend.name} ${op} ${kind} ${r}`,
      );
      for (const kind of servers) rows.push({ backend: backend.name, op, server: kind, ...best.get(kind)! });
    }
    return rows;
  } finally {
    await Promise.all([...children.values()].map((c) => c.close()));
  }
}

/** The request `op` sends to `child`: GETs rotate over its seeded ids, creates post one holding. */
export function requestOf(op: OverheadOp, child: Child) {
  return {
    port: child.port,
    headers: child.headers,
    ...(op === "get"
      ? { paths: child.ids.map((id) => `/holdings/${id}`) }
      : op === "healthz"
        ? { path: "/healthz" }
        : { method: "POST" as const, path: "/holdings", body: CREATE_BODY }),
  };
}

/** A load run's figures with the server's CPU per request. */
type Measured = LoadResult & { readonly cpu_us_per_req: number };

/**
 * Drive every server with `op`, `o.repeats` times in alternating order (forward, then reversed),
 * after a JIT warm-up on the first repeat; the best run of each by req/s, with every run's req/s.
 */
async function bestOfRepeats<K extends string>(
  children: ReadonlyMap<K, Child>,
  op: OverheadOp,
  o: CaseOptions & { warmup?: boolean },
  label: (name: K, run: string) => string,
): Promise<Map<K, Measured & { runs: number[] }>> {
  const names = [...children.keys()];
  const best = new Map<K, Measured & { runs: number[] }>();
  for (let rep = 0; rep < o.repeats; rep++) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const child = children.get(name)!;
      const spec = { seconds: o.seconds, connections: o.connections, ...requestOf(op, child) };
      if (rep === 0 && o.warmup !== false)
        await drive({ ...spec, seconds: Math.max(1, Math.round(o.seconds / 3)) }); // JIT warm-up
      const cpu0 = await child.cpu();
      const load = await drive(spec);
      const cpuUs = (await child.cpu()) - cpu0;
      const r = {
        ...load,
        cpu_us_per_req: load.requests ? Math.round((cpuUs / load.requests) * 10) / 10 : 0,
      };
      const cur = best.get(name);
      const runs = [...(cur?.runs ?? []), r.rps];
      best.set(name, { ...(!cur || r.rps > cur.rps ? r : cur), runs });
      o.log(
        `  ${label(name, `#${rep + 1}`)}: ${r.rps} req/s p50 ${r.p50_ms} ms p99 ${r.p99_ms} ms, ${r.cpu_us_per_req} µs CPU/req`,
      );
    }
  }
  return best;
}

// ---------------------------------------------------------------- headers

/** The `headers` case's servers, cheapest first. */
export const HEADER_SERVERS: readonly ServerKind[] = [
  "node",
  "node-secured",
  "hono",
  "hono-featured",
  "host",
];

/**
 * `/healthz` (no storage, no key, no log line) through plain `node:http` without and with the
 * host's response headers, bare Hono, Hono with the host's features and the production host: how
 * much of the probe's cost is its response headers, which any server sending them pays, and how
 * much is the host's. Measured like the overhead case; the servers hold no records.
 */
export function headersCase(backend: Backend, o: CaseOptions & { warmup?: boolean }): Promise<OverheadRow[]> {
  return overheadCase(backend, { ...o, ops: ["healthz"], servers: HEADER_SERVERS, seed: 0, name: "headers" });
}

// ---------------------------------------------------------------- features

/**
 * The host with production features left out, one at a time and all together: what each costs a
 * GET by id, beside bare Hono in the same run. `lean` is the host's own machinery (routing, the
 * pipeline, security headers, metrics, the pack context and the asset view) without them.
 */
export const FEATURE_VARIANTS: readonly {
  readonly name: string;
  readonly without: readonly HostFeature[];
}[] = [
  { name: "production", without: [] },
  { name: "no-log", without: ["log"] },
  { name: "no-auth", without: ["auth"] },
  { name: "no-rate-limit", without: ["rateLimit"] },
  { name: "lean", without: HOST_FEATURES },
];

/**
 * The references beside the hosts: bare Hono, and bare Hono with the same production features
 * added as a Hono app adds them (`hono-featured`, see `hono-featured.ts`).
 */
const HONO_VARIANTS: readonly { readonly name: string; readonly kind: ServerKind; readonly without: [] }[] = [
  { name: "hono", kind: "hono", without: [] },
  { name: "hono-featured", kind: "hono-featured", without: [] },
];

export interface FeatureRow extends Measured {
  readonly backend: string;
  /** A {@link FEATURE_VARIANTS} name, `hono` for bare Hono or `hono-featured` for Hono with the features. */
  readonly variant: string;
  readonly without: readonly HostFeature[];
  readonly runs: number[];
}

/**
 * `GET /holdings/:id` through each {@link FEATURE_VARIANTS} host and both Hono apps, each in its own
 * child over its own copy of the backend, measured like the overhead case.
 */
export async function featuresCase(
  backend: Backend,
  o: CaseOptions & { seed?: number; warmup?: boolean },
): Promise<FeatureRow[]> {
  const variants = [...FEATURE_VARIANTS.map((v) => ({ ...v, kind: "host" as const })), ...HONO_VARIANTS];
  const children = new Map<string, Child>();
  try {
    for (const v of variants) {
      const url = isolate(backend.url, o.tmpDir, `features_${v.name.replaceAll("-", "_")}`);
      const logFile = join(o.tmpDir, `${backend.name}-features-${v.name}.log`);
      const spec = { kind: v.kind, url, seed: o.seed ?? 1000, logFile, without: v.without };
      children.set(v.name, await spawnServer(spec));
    }
    const best = await bestOfRepeats(
      children,
      "get",
      o,
      (name, r) => `features ${backend.name} ${name} ${r}`,
    );
    return variants.map((v) => ({
      backend: backend.name,
      variant: v.name,
      without: v.without,
      ...best.get(v.name)!,
    }));
  } finally {
    await Promise.all([...children.values()].map((c) => c.close()));
  }
}

// ---------------------------------------------------------------- scale

/** Endpoints measured at each N: first list pages (filtered by an index) and every summary. */
export function scaleEndpoints(month: string) {
  return [
    { name: "holdings.list", kind: "list", path: "/holdings?type=property&limit=50" },
    { name: "budget.transactions.list", kind: "list", path: `/budget/transactions?month=${month}&limit=50` },
    { name: "bills.list", kind: "list", path: "/bills?status=active&limit=50" },
    { name: "holdings.summary", kind: "summary", path: "/holdings/summary?fx=EUR:1.0825" },
    { name: "budget.snapshot", kind: "summary", path: "/budget/snapshot" },
    { name: "bills.estimate", kind: "summary", path: "/bills/estimate" },
    { name: "bills.upcoming", kind: "summary", path: "/bills/upcoming" },
  ] as const;
}

export interface ScaleRow {
  readonly backend: string;
  readonly endpoint: string;
  readonly kind: "list" | "summary";
  readonly n: number;
  /** The first request after start (caches cold). */
  readonly cold_ms: number;
  /** Mean time per request, one connection: the figure ratios use. */
  readonly mean_ms: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly rps: number;
  readonly requests: number;
  readonly errors: number;
  /** How it was timed: the same at every N (sequential requests after the cold one). */
  readonly method: "sequential";
}

export interface MemoryRow {
  readonly backend: string;
  /** 0 = idle on an empty store with all packs. */
  readonly n: number;
  readonly rss_mb: number;
  readonly when: "idle" | "after-serving";
}

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

/**
 * Grow one data set through N levels (seeded through the collection code in this process), and at
 * each level start a fresh host child and time every endpoint; also records the host's RSS idle
 * and after serving each level.
 */
export async function scaleCase(
  backend: Backend,
  o: CaseOptions & { levels: readonly number[]; endpoints?: readonly string[] },
): Promise<{ scale: ScaleRow[]; memory: MemoryRow[] }> {
  const url = isolate(backend.url, o.tmpDir, "scale");
  const month = new Date().toISOString().slice(0, 7);
  const endpoints = scaleEndpoints(month).filter((e) => !o.endpoints || o.endpoints.includes(e.name));
  const driver: Driver = await createDriver(url);
  await driver.init();
  const scale: ScaleRow[] = [];
  const memory: MemoryRow[] = [];
  try {
    const logFile = join(o.tmpDir, `${backend.name}-scale.log`);
    const idle = await spawnServer({ kind: "host", url, logFile });
    memory.push({ backend: backend.name, n: 0, rss_mb: mb(idle.idleRss), when: "idle" });
    await idle.close();
    let have = 0;
    for (const n of o.levels) {
      const t0 = performance.now();
      await seedScale(driver, have, n, { month });
      have = n;
      await settle(url);
      o.log(`  scale ${backend.name}: seeded ${n} of each kind in ${Math.round(performance.now() - t0)} ms`);
      const host = await spawnServer({ kind: "host", url, logFile });
      try {
        memory.push({ backend: backend.name, n, rss_mb: mb(host.idleRss), when: "idle" });
        for (const e of endpoints) {
          // One method at every N: the first request (cold), then SCALE_REQUESTS sequential ones,
          // each timed with the same high-resolution clock, so ratios across N compare like with like.
          const cold = await timeSequential(host.port, e.path, 1, host.headers);
          const seq = await timeSequential(host.port, e.path, SCALE_REQUESTS, host.headers);
          // The mean includes the first request: a cache built on first use is part of the cost.
          const all = [...cold.ms, ...seq.ms];
          const mean = all.reduce((a, b) => a + b, 0) / all.length;
          const sorted = [...all].sort((a, b) => a - b);
          const row = {
            mean_ms: round(mean, 3),
            p50_ms: percentile(sorted, 0.5),
            p99_ms: percentile(sorted, 0.99),
            rps: round(1000 / mean),
            requests: all.length,
            errors: seq.statuses.filter((s) => s >= 300).length,
            method: "sequential" as const,
          };
          const errors = row.errors + cold.statuses.filter((s) => s >= 300).length;
          scale.push({
            backend: backend.name,
            endpoint: e.name,
            kind: e.kind,
            n,
            cold_ms: round(cold.ms[0]!),
            ...row,
            errors,
          });
          o.log(
            `  scale ${backend.name} ${e.name} N=${n}: ${row.mean_ms} ms/req (cold ${round(cold.ms[0]!)} ms)`,
          );
        }
        memory.push({ backend: backend.name, n, rss_mb: mb(await host.rss()), when: "after-serving" });
      } finally {
        await host.close();
      }
    }
    return { scale, memory };
  } finally {
    await driver.close();
    await cleanup(url).catch((err) => o.log(`  cleanup of ${backend.name} failed: ${err}`));
  }
}

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

/** Requests timed per endpoint and N after the cold one. */
const SCALE_REQUESTS = 25;

// ---------------------------------------------------------------- scheduler

export interface SchedulerRow {
  readonly backend: string;
  readonly op: "acquire" | "extend" | "release" | "tick" | "claim-new" | "claim-taken";
  readonly us_per_op: number;
  readonly iterations: number;
}

/**
 * What a scheduler pays per tick: take the tick lease, extend it, release it; and claim a job run
 * with an insert-if-absent write (new, and already claimed by another replica). Measured in this
 * process straight on the driver.
 */
export async function schedulerCase(
  backend: Backend,
  o: Pick<CaseOptions, "tmpDir" | "log"> & { iterations: number; maxMs: number },
): Promise<SchedulerRow[]> {
  const url = isolate(backend.url, o.tmpDir, "sched");
  const driver = await createDriver(url);
  await driver.init();
  const totals = { acquire: 0, extend: 0, release: 0, tick: 0, "claim-new": 0, "claim-taken": 0 };
  let i = 0;
  try {
    const started = performance.now();
    for (; i < o.iterations && performance.now() - started < o.maxMs; i++) {
      const t0 = performance.now();
      const lease = await driver.acquire("bench:tick", 30_000);
      const t1 = performance.now();
      if (!lease) throw new Error("tick lease not granted although free");
      const ext = await driver.extend(lease, 30_000);
      const t2 = performance.now();
      if (!ext) throw new Error("tick lease not extended although held");
      if (!(await driver.release(ext))) throw new Error("tick lease not released although held");
      const t3 = performance.now();
      const record = { id: `run_${i}`, rev: 1, value: `{"id":"run_${i}"}` };
      const claimed = await driver.write("bench.runs", { record, index: {}, expectRev: 0 });
      const t4 = performance.now();
      const again = await driver.write("bench.runs", { record, index: {}, expectRev: 0 });
      const t5 = performance.now();
      if (!claimed.ok || again.ok) throw new Error("insert-if-absent claim did not behave");
      totals.acquire += t1 - t0;
      totals.extend += t2 - t1;
      totals.release += t3 - t2;
      totals.tick += t3 - t0;
      totals["claim-new"] += t4 - t3;
      totals["claim-taken"] += t5 - t4;
    }
  } finally {
    await driver.close();
    await cleanup(url).catch(() => {});
  }
  return (Object.keys(totals) as SchedulerRow["op"][]).map((op) => ({
    backend: backend.name,
    op,
    us_per_op: Math.round((totals[op] / i) * 1000 * 10) / 10,
    iterations: i,
  }));
}
