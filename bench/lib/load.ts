import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { ServerSpec } from "../server.js";

/** A server child process. */
export interface Child {
  /** The child's process id (the guest's, when it runs under a launcher such as valgrind). */
  readonly pid: number;
  readonly port: number;
  readonly ids: string[];
  /** Headers each request to this server carries (the host's API key). */
  readonly headers: Readonly<Record<string, string>>;
  readonly idleRss: number;
  rss(): Promise<number>;
  /** CPU time (user + system, µs) the server process has used so far, all its threads. */
  cpu(): Promise<number>;
  /** Start sampling the allocations that outlive young-generation collections (see `bench/profile.ts`). */
  startSurvivors(): Promise<void>;
  /** Stop sampling; the V8 sampling heap profile (a `.heapprofile` for Chrome DevTools). */
  stopSurvivors(): Promise<unknown>;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL("../server.ts", import.meta.url));

/**
 * A program the server's Node runs under (`valgrind`): `execPath args… node nodeArgs… server.ts`.
 * The IPC channel is inherited through it.
 */
export interface Launcher {
  readonly execPath: string;
  readonly args: readonly string[];
}

/**
 * Fork `bench/server.ts` and wait until it listens. The server loads the packages' built `dist`
 * (what users run), not their sources: tsx compiles sources with `keepNames`, which wraps every
 * closure the host creates per request in a `defineProperty` call and would bill that to the host.
 */
export function spawnServer(
  spec: ServerSpec,
  nodeArgs: readonly string[] = [],
  launcher?: Launcher,
): Promise<Child> {
  const node = ["--import", "tsx", "--expose-gc", ...nodeArgs];
  const child = fork(SERVER, [JSON.stringify(spec)], {
    ...(launcher
      ? { execPath: launcher.execPath, execArgv: [...launcher.args, process.execPath, ...node] }
      : { execArgv: node }),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench server exited with ${code}`));
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        resolve(m as T);
      });
    });
  return next<{
    port: number;
    ids: string[];
    headers: Record<string, string>;
    rss: number;
    error?: string;
  }>().then((m) => {
    if (m.error) throw new Error(`bench server (${spec.kind}) failed: ${m.error}`);
    return {
      pid: child.pid!,
      port: m.port,
      ids: m.ids,
      headers: m.headers,
      idleRss: m.rss,
      async rss() {
        const reply = next<{ rss: number }>();
        child.send({ cmd: "rss" });
        return (await reply).rss;
      },
      async cpu() {
        const reply = next<{ cpu: number }>();
        child.send({ cmd: "cpu" });
        return (await reply).cpu;
      },
      async startSurvivors() {
        const reply = next<{ ok: boolean }>();
        child.send({ cmd: "survivors-start" });
        await reply;
      },
      async stopSurvivors() {
        const reply = next<{ profile: unknown }>();
        child.send({ cmd: "survivors-stop" });
        return (await reply).profile;
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const t = setTimeout(() => child.kill("SIGKILL"), 5000);
          child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          child.send({ cmd: "close" });
        }),
    };
  });
}

/** One load run's figures. */
export interface LoadResult {
  readonly rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly mean_ms: number;
  readonly requests: number;
  /** Non-2xx answers plus socket errors and timeouts: any is a broken case, never hidden. */
  readonly errors: number;
}

/** A request to drive. `paths` rotate per request (e.g. ids of seeded records). */
export interface LoadSpec {
  readonly port: number;
  readonly method?: "GET" | "POST";
  readonly path?: string;
  readonly paths?: readonly string[];
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly seconds: number;
  readonly connections: number;
}

/**
 * Drive one server with autocannon on loopback for a bounded duration. Latency percentiles come
 * from every 2xx response's own time (autocannon's `response` event, fractional ms): its summary
 * histogram keeps whole milliseconds, too coarse for sub-millisecond answers, where a p99 of 1 or
 * 2 ms is a coin toss.
 */
export async function drive(spec: LoadSpec): Promise<LoadResult> {
  let n = 0;
  const paths = spec.paths;
  const times: number[] = [];
  const run = autocannon({
    url: `http://127.0.0.1:${spec.port}`,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 60,
    requests: [
      {
        method: spec.method ?? "GET",
        path: spec.path ?? "/",
        headers: { ...(spec.body ? { "content-type": "application/json" } : {}), ...spec.headers },
        ...(spec.body ? { body: spec.body } : {}),
        ...(paths?.length
          ? {
              setupRequest: (req: { path: string }) => {
                req.path = paths[n++ % paths.length]!;
                return req;
              },
            }
          : {}),
      },
    ],
  });
  run.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await run;
  times.sort((a, b) => a - b);
  return {
    rps: Math.round(result.requests.average * 10) / 10,
    p50_ms: percentile(times, 0.5),
    p99_ms: percentile(times, 0.99),
    mean_ms: Math.round(result.latency.average * 100) / 100,
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** The `q` quantile of ascending `sorted` (nearest rank), in ms to the µs; 0 when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[at]! * 1000) / 1000;
}

/**
 * Time `count` sequential requests with fetch (for endpoints too slow for a duration-bound run).
 * Returns the latencies in ms and the statuses.
 */
export async function timeSequential(
  port: number,
  path: string,
  count: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ ms: number[]; statuses: number[] }> {
  const ms: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    await res.arrayBuffer();
    ms.push(performance.now() - t);
    statuses.push(res.status);
  }
  return { ms, statuses };
}
