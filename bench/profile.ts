/**
 * `npm run bench:profile -- [get|create|healthz] [memory:|sqlite:] [seconds]`: CPU-profile one
 * server child (the host in its production configuration by default, `BENCH_SERVER=hono|fastify`
 * for the bare apps) under autocannon load, then print the functions with the most self time and
 * where the `.cpuprofile` was written (open it in Chrome DevTools → Performance, or speedscope).
 *
 * `BENCH_PROFILE=survivors` samples allocations instead, keeping only those that outlived
 * young-generation collections, and prints the allocation sites in bytes per request: what makes
 * scavenges slow (a `.heapprofile` for Chrome DevTools → Memory).
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerKind } from "./lib/apps.js";
import { drive, spawnServer } from "./lib/load.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [op = "get", url = "memory:", secondsArg = "5"] = process.argv.slice(2);
const kind = (process.env.BENCH_SERVER ?? "host") as ServerKind;
const dir = mkdtempSync(join(tmpdir(), "valhalla-profile-"));
const mode = process.env.BENCH_PROFILE === "survivors" ? "survivors" : "cpu";
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
