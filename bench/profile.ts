/**
 * `npm run bench:profile -- [get|create|healthz] [memory:|sqlite:] [seconds]`: CPU-profile one
 * server child (the host in its production configuration by default, `BENCH_SERVER=hono|fastify`
 * for the bare apps) under autocannon load, then print the functions with the most self time and
 * where the `.cpuprofile` was written (open it in Chrome DevTools → Performance, or speedscope).
 *
 * `BENCH_PROFILE=survivors` samples allocations instead, keeping only those that outlived
 * young-generation collections, and prints the allocation sites in bytes per request: what makes
 * scavenges slow (a `.heapprofile` for Chrome DevTools → Memory).
 *
 * `BENCH_PROFILE=instructions` counts instead of sampling: the server runs under callgrind, takes
 * `BENCH_INSTRUCTION_WARMUP` uncounted requests (20,000) one at a time, then `BENCH_INSTRUCTION_REQUESTS`
 * counted ones (500), and the instructions are attributed to functions (JIT code named through
 * V8's perf map) and to who owns them. `BENCH_INSTRUCTION_IN_FLIGHT=10` keeps that many requests in
 * flight (one per connection) instead of one, as the load of the other cases does. With `BENCH_COMPARE=hono` (or `fastify`, `hono-featured`)
 * a second server is counted the same way and the two are set side by side, largest difference
 * first. The figures do not move with the machine's load. Needs valgrind.
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerKind } from "./lib/apps.js";
import { type Attribution, attribute, difference } from "./lib/attribution.js";
import type { OverheadOp } from "./lib/cases.js";
import { callgrindMissing, countRequests, underCallgrind } from "./lib/instructions.js";
import { drive, spawnServer } from "./lib/load.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [op = "get", url = "memory:", secondsArg = "5"] = process.argv.slice(2);
const kind = (process.env.BENCH_SERVER ?? "host") as ServerKind;
const dir = mkdtempSync(join(tmpdir(), "valhalla-profile-"));
const mode =
  process.env.BENCH_PROFILE === "survivors" || process.env.BENCH_PROFILE === "instructions"
    ? process.env.BENCH_PROFILE
    : "cpu";
if (mode === "instructions") {
  await profileInstructions();
  process.exit(0);
}
const server = await spawnServer(
  { kind, url, seed: 1000, logFile: join(dir, "requests.log") },
  mode === "cpu" ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [],
);
const spec = {
  port: server.port,
  seconds: Number(secondsArg),
  connections: 10,
  headers: server.headers,
  ...(op === "get"
    ? { paths: server.ids.map((id) => `/holdings/${id}`) }
    : op === "healthz"
      ? { path: "/healthz" }
      : {
          method: "POST" as const,
          path: "/holdings",
          body: JSON.stringify({ type: "property", label: "P", jurisdiction: "US-CA", currency: "USD" }),
        }),
};
await drive({ ...spec, seconds: 1 });
if (mode === "survivors") await server.startSurvivors();
const r = await drive(spec);
const heap = mode === "survivors" ? await server.stopSurvivors() : undefined;
await server.close();
console.log(
  `${kind} ${op} on ${url}: ${r.rps} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, errors ${r.errors}`,
);
if (heap) {
  printSurvivors(heap as HeapProfile, r.requests);
  process.exit(0);
}

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: ProfileNode[] };
const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
const self = new Map<string, number>();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const where = f.url
    ? `${f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(apps|packages)\//, "$1/")}:${f.lineNumber + 1}`
    : "";
  const key = `${f.functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
}
console.log(`\nself time, top 30 of ${total} samples:`);
for (const [k, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(`\nprofile: ${join(dir, file)}`);

interface HeapNode {
  callFrame: ProfileNode["callFrame"];
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}

/** Allocation sites (the allocating function and its two callers) by bytes that survived, per request. */
function printSurvivors(profile: HeapProfile, requests: number): void {
  const file = join(dir, "survivors.heapprofile");
  writeFileSync(file, JSON.stringify(profile));
  const frame = (n: HeapNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|apps|packages)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  const sites = new Map<string, number>();
  const walk = (n: HeapNode, stack: string[]) => {
    const here = [frame(n), ...stack].slice(0, 3);
    if (n.selfSize > 0) {
      const key = here.join(" ← ");
      sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, []);
  const total = [...sites.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\nsurviving young-generation collections: ${(total / requests).toFixed(0)} B per request; top sites:`,
  );
  for (const [k, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`${(bytes / requests).toFixed(0).padStart(7)} B  ${k}`);
  console.log(`\nprofile: ${file}`);
}

/** Count `kind` serving `op` under callgrind and attribute its instructions per request. */
async function countedProfile(
  server: ServerKind,
  o: { warmup: number; requests: number },
): Promise<Attribution> {
  const out = `callgrind-${server}`;
  const child = await underCallgrind(
    { kind: server, url, seed: 1000, logFile: join(dir, `${server}-requests.log`) },
    dir,
    out,
    // The perf map names JIT code; V8's own log, which that flag also opens, goes to the folder.
    ["--perf-basic-prof", `--logfile=${join(dir, `${server}-v8.log`)}`, "--no-logfile-per-isolate"],
  );
  const perfFile = `/tmp/perf-${child.pid}.map`;
  try {
    const counted = await countRequests(child, op as OverheadOp, o, dir, out);
    if (counted.errors > 0) throw new Error(`${server}: ${counted.errors} of the requests failed`);
    const map = readFileSync(perfFile, "utf8");
    writeFileSync(join(dir, `${server}.perf.map`), map);
    return attribute(readFileSync(counted.dump, "utf8"), map, o.requests);
  } finally {
    await child.close();
    rmSync(perfFile, { force: true });
  }
}

async function profileInstructions(): Promise<void> {
  const missing = callgrindMissing();
  if (missing) throw new Error(`BENCH_PROFILE=instructions needs valgrind: ${missing}`);
  const o = {
    warmup: Number(process.env.BENCH_INSTRUCTION_WARMUP ?? 20_000),
    requests: Number(process.env.BENCH_INSTRUCTION_REQUESTS ?? 500),
    inFlight: Number(process.env.BENCH_INSTRUCTION_IN_FLIGHT ?? 1),
  };
  const compare = process.env.BENCH_COMPARE as ServerKind | undefined;
  const a = await countedProfile(kind, o);
  // Columns as wide as the longest server name (`hono-featured`), numbers right-aligned under them.
  const width = Math.max(9, kind.length + 1, (compare ?? "").length + 1);
  const num = (n: number) => String(n).padStart(width);
  console.log(
    `${kind} ${op} on ${url}: ${a.perRequest} instructions per request (${o.requests} counted after ${o.warmup}${o.inFlight > 1 ? `, ${o.inFlight} in flight` : ""})`,
  );
  const report: string[] = [];
  if (!compare) {
    report.push("\nby owner:", ...a.categories.map(([k, n]) => `${num(n)}  ${k}`));
    report.push(
      "\nby function (self), top 40:",
      ...a.functions.slice(0, 40).map(([k, n]) => `${num(n)}  ${k}`),
    );
    report.push(
      "\nJS functions with what they called (inclusive), top 30:",
      ...a.inclusive.slice(0, 30).map(([k, n]) => `${num(n)}  ${k}`),
    );
  } else {
    const b = await countedProfile(compare, o);
    console.log(`${compare} ${op} on ${url}: ${b.perRequest} instructions per request`);
    const rows = (d: ReturnType<typeof difference>) =>
      d.map(([k, x, y, diff]) => `${num(x)}${num(y)}${num(diff)}  ${k}`);
    const head = `${kind.padStart(width)}${compare.padStart(width)}${"diff".padStart(width)}`;
    report.push(`\nby owner, per request:\n${head}`, ...rows(difference(a.categories, b.categories)));
    report.push(
      `\nby function (self), the 40 largest differences:\n${head}`,
      ...rows(difference(a.functions, b.functions).slice(0, 40)),
    );
    report.push(
      `\nJS functions with what they called (inclusive), the 30 largest differences:\n${head}`,
      ...rows(difference(a.inclusive, b.inclusive).slice(0, 30)),
    );
  }
  console.log(report.join("\n"));
  writeFileSync(join(dir, "instructions.txt"), `${report.join("\n")}\n`);
  console.log(`\nreport and callgrind dumps: ${dir} (callgrind_annotate reads the dumps)`);
}
