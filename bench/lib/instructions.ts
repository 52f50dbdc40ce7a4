/**
 * Instructions per request (`instructions` case): each server runs under valgrind's callgrind,
 * which counts the instructions the process executes (every thread, user space) instead of timing
 * them. The count does not depend on what else the machine is doing, so a change to the hot path
 * shows as a change in this figure even on a busy 2-core machine where req/s moves by a third from
 * one minute to the next (same code: a Hono GET counted 828,469 / 828,789 / 828,794 in three runs
 * after 1,000 warm-up requests, and 122,550 / 121,032 after 20,000 and 40,000).
 *
 * Callgrind starts with its instrumentation off (the server starts and warms up its JIT at a
 * fraction of native speed, uncounted), is switched on for a fixed number of sequential requests on
 * one keep-alive connection, and dumps the count. What it leaves out: time spent in the kernel
 * (syscalls, the socket) and waiting; req/s and CPU per request in the overhead case still cover
 * those.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import type { ServerSpec } from "../server.js";
import type { ServerKind } from "./apps.js";
import { type Backend, isolate } from "./backends.js";
import { type CaseOptions, type OverheadOp, requestOf } from "./cases.js";
import { type Child, spawnServer } from "./load.js";

/**
 * The servers counted, and what: the two requests whose targets are furthest off in req/s.
 * `hono-featured` (Hono doing the host's production work its own way) tells the host's machinery
 * apart from the work itself: both send the same headers, check the same key, log the same line.
 */
export const INSTRUCTION_SERVERS: readonly ServerKind[] = ["host", "hono", "fastify", "hono-featured"];
export const INSTRUCTION_OPS: readonly OverheadOp[] = ["get", "healthz"];

export interface InstructionRow {
  readonly backend: string;
  readonly op: OverheadOp;
  readonly server: ServerKind;
  /** Instructions executed by the server process per request, while counting. */
  readonly instructions_per_req: number;
  /** Requests counted per window (after `warmup` uncounted ones). */
  readonly requests: number;
  /** Each counted window's instructions per request; the row's figure is the least of them. */
  readonly windows: readonly number[];
  readonly warmup: number;
  /** Answers other than 2xx: any makes the row invalid. */
  readonly errors: number;
}

/** Why the case cannot run here (`valgrind` or `callgrind_control` missing), else `undefined`. */
export function callgrindMissing(): string | undefined {
  for (const tool of ["valgrind", "callgrind_control"]) {
    try {
      execFileSync(tool, ["--version"], { stdio: "ignore" });
    } catch {
      return `${tool} not installed`;
    }
  }
  return undefined;
}

/**
 * Count the instructions each of `servers` executes per request for each of `ops`, over its own
 * copy of `backend`: `warmup` uncounted requests (the JIT settles), then `requests` counted ones.
 */
export async function instructionsCase(
  backend: Backend,
  o: CaseOptions & {
    servers?: readonly ServerKind[];
    ops?: readonly OverheadOp[];
    warmup: number;
    requests: number;
    windows?: number;
    seed?: number;
  },
): Promise<InstructionRow[]> {
  const rows: InstructionRow[] = [];
  for (const kind of o.servers ?? INSTRUCTION_SERVERS) {
    const out = `callgrind-${backend.name}-${kind}`;
    const child = await underCallgrind(
      {
        kind,
        url: isolate(backend.url, o.tmpDir, `instructions_${kind}`),
        seed: o.seed ?? 1000,
        logFile: join(o.tmpDir, `${backend.name}-${kind}-instructions.log`),
      },
      o.tmpDir,
      out,
    );
    try {
      for (const op of o.ops ?? INSTRUCTION_OPS) {
        const counted = await countRequests(child, op, o, o.tmpDir, out);
        const row = {
          backend: backend.name,
          op,
          server: kind,
          instructions_per_req: Math.round(counted.total / o.requests),
          requests: o.requests,
          windows: counted.windows.map((t) => Math.round(t / o.requests)),
          warmup: o.warmup,
          errors: counted.errors,
        };
        rows.push(row);
        o.log(`  instructions ${backend.name} ${op} ${kind}: ${row.instructions_per_req} per request`);
      }
    } finally {
      await child.close();
    }
  }
  return rows;
}

/**
 * A server child under callgrind, counting nothing until {@link countRequests} switches it on; its
 * dumps are `<dir>/<out>.<pid>.<n>`. `nodeArgs` go to Node (the profile adds `--perf-basic-prof`).
 */
export function underCallgrind(
  spec: ServerSpec,
  dir: string,
  out: string,
  nodeArgs: readonly string[] = [],
): Promise<Child> {
  return spawnServer(spec, nodeArgs, {
    execPath: "valgrind",
    // V8 writes machine code: `--smc-check` makes valgrind notice it changed.
    args: [
      "--tool=callgrind",
      "--quiet",
      "--instr-atstart=no",
      "--smc-check=all-non-file",
      `--callgrind-out-file=${join(dir, out)}.%p`,
    ],
  });
}

/** Counted windows per op when the caller does not say: the least of three is kept. */
export const DEFAULT_WINDOWS = 3;

/**
 * `o.warmup` uncounted requests of `op` (the JIT settles), then `o.windows` (default
 * {@link DEFAULT_WINDOWS}) windows of `o.requests` counted ones, each dumped on its own. The window
 * with the fewest instructions is the figure (`total`, and its `dump`): work that is not the
 * request's own (a timer's job, a major GC, V8 re-optimizing a function) lands in one window now
 * and then and once made a GET count twice its cost; the least of several windows is the
 * request's steady cost. `windows` holds every window's total, in order.
 */
export async function countRequests(
  child: Child,
  op: OverheadOp,
  o: { warmup: number; requests: number; windows?: number; inFlight?: number },
  dir: string,
  out: string,
): Promise<{ total: number; dump: string; errors: number; windows: number[] }> {
  const send = sequential(op, child, o.inFlight ?? 1);
  let errors = await send(o.warmup);
  const windows: number[] = [];
  let least: { total: number; dump: string } | undefined;
  control(child, "-i", "on");
  // A dump's count is taken against the previous dump, and instrumentation switched off in
  // between drops counts: zeroed here, each dump holds this op's requests alone.
  control(child, "-z");
  for (let w = 0; w < Math.max(1, o.windows ?? DEFAULT_WINDOWS); w++) {
    errors += await send(o.requests);
    control(child, "-d");
    const dump = lastDump(dir, `${out}.${child.pid}`);
    const total = totalOf(readFileSync(dump, "utf8"), dump);
    windows.push(total);
    if (!least || total < least.total) least = { total, dump };
  }
  control(child, "-i", "off");
  return { ...least!, errors, windows };
}

function control(child: Child, ...args: string[]): void {
  execFileSync("callgrind_control", [...args, String(child.pid)], { stdio: "ignore" });
}

/** The newest dump of `base` in `dir` (`<base>.<n>`). */
function lastDump(dir: string, base: string): string {
  const dumps = readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.`))
    .map((f) => ({ f, n: Number(f.slice(base.length + 1)) }))
    .filter((d) => Number.isInteger(d.n))
    .sort((a, b) => b.n - a.n);
  if (!dumps[0]) throw new Error(`callgrind wrote no dump for ${base}`);
  return join(dir, dumps[0].f);
}

/** A dump's instruction count: its `totals:` line. */
function totalOf(text: string, file: string): number {
  const m = /^totals:\s+(\d+)/m.exec(text);
  if (!m) throw new Error(`no instruction total in ${file}`);
  return Number(m[1]);
}

/**
 * A sender of `count` requests of `op`, one after another on each of `inFlight` keep-alive
 * connections; it resolves to the non-2xx count. @internal
 */
export function sequential(
  op: OverheadOp,
  child: Child,
  inFlight: number,
): (count: number) => Promise<number> {
  const req = requestOf(op, child);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const one = () =>
    new Promise<boolean>((resolve, reject) => {
      const path = "paths" in req ? req.paths[next++ % req.paths.length]! : req.path;
      const method = "method" in req ? req.method : "GET";
      const body = "body" in req ? req.body : undefined;
      const r = http.request(
        {
          host: "127.0.0.1",
          port: req.port,
          method,
          path,
          agent,
          headers: { ...req.headers, ...(body ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
        },
      );
      r.on("error", reject);
      r.end(body);
    });
  return async (count) => {
    let errors = 0;
    let left = count;
    const connection = async () => {
      while (left > 0) {
        left--;
        if (!(await one())) errors++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, connection));
    return errors;
  };
}
