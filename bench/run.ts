/**
 * `npm run bench`: the host against bare Hono and Fastify, cost as data grows, host memory and
 * scheduler lease cost. Writes bench/results/latest.{json,md} (`quick.*` or `partial.*` for a quick
 * run or a subset of the cases) and compares ratios to bench/baseline.json. See bench/README.md
 * for the environment knobs.
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Backend, backendsFromEnv, probe } from "./lib/backends.js";
import {
  type CaseOptions,
  type FeatureRow,
  featuresCase,
  headersCase,
  type MemoryRow,
  type OverheadRow,
  overheadCase,
  type ScaleRow,
  type SchedulerRow,
  scaleCase,
  schedulerCase,
} from "./lib/cases.js";
import {
  machineInfo,
  meets,
  type Ratio,
  type Results,
  ratiosOf,
  regressions,
  toMarkdown,
} from "./lib/report.js";

const env = process.env;
const here = fileURLToPath(new URL(".", import.meta.url));
const quick = env.BENCH_QUICK === "1";
const list = (v: string | undefined, dflt: string[]) => (v ? v.split(",").map((s) => s.trim()) : dflt);
const CASES = ["overhead", "headers", "features", "scale", "scheduler"];
// A quick run keeps what a change to the hot path must not break (the issue: under 2 minutes);
// the headers and features cases explain the overhead figures and run with `BENCH_ONLY`.
const only = list(env.BENCH_ONLY, quick ? ["overhead", "scale", "scheduler"] : CASES);
const config = {
  quick,
  only,
  seconds: Number(env.BENCH_SECONDS ?? (quick ? 2 : 5)),
  connections: Number(env.BENCH_CONNECTIONS ?? 10),
  repeats: Number(env.BENCH_REPEATS ?? (quick ? 1 : 3)),
  levels: list(env.BENCH_LEVELS, quick ? ["1000", "10000"] : ["1000", "10000", "100000"]).map(Number),
  overheadBackends: list(env.BENCH_OVERHEAD_BACKENDS, ["memory", "sqlite"]),
  featureBackends: list(env.BENCH_FEATURE_BACKENDS, ["memory"]),
  scaleBackends: list(env.BENCH_SCALE_BACKENDS, quick ? ["sqlite"] : ["sqlite", "redis", "postgres"]),
  endpoints: env.BENCH_ENDPOINTS ? list(env.BENCH_ENDPOINTS, []) : undefined,
};

async function main() {
  const started = Date.now();
  const tmpDir = mkdtempSync(join(tmpdir(), "valhalla-bench-"));
  const log = (line: string) => console.log(line);
  const opts: CaseOptions = { ...config, tmpDir, log };
  const backends: { backend: Backend; status: string }[] = [];
  for (const backend of backendsFromEnv()) {
    const why = await probe(backend.url);
    backends.push({ backend, status: why ?? "ok" });
    log(`backend ${backend.name}: ${why ?? "ok"}`);
  }
  const live = backends.filter((b) => b.status === "ok").map((b) => b.backend);
  const overhead: OverheadRow[] = [];
  const headers: OverheadRow[] = [];
  const features: FeatureRow[] = [];
  const scale: ScaleRow[] = [];
  const memory: MemoryRow[] = [];
  const scheduler: SchedulerRow[] = [];
  try {
    if (only.includes("overhead"))
      for (const b of live.filter((b) => config.overheadBackends.includes(b.name)))
        overhead.push(...(await overheadCase(b, opts)));
    if (only.includes("headers"))
      for (const b of live.filter((b) => config.featureBackends.includes(b.name)))
        headers.push(...(await headersCase(b, opts)));
    if (only.includes("features"))
      for (const b of live.filter((b) => config.featureBackends.includes(b.name)))
        features.push(...(await featuresCase(b, opts)));
    if (only.includes("scale"))
      for (const b of live.filter((b) => config.scaleBackends.includes(b.name))) {
        const r = await scaleCase(b, {
          ...opts,
          levels: config.levels,
          ...(config.endpoints ? { endpoints: config.endpoints } : {}),
        });
        scale.push(...r.scale);
        memory.push(...r.memory);
      }
    if (only.includes("scheduler"))
      for (const b of live)
        scheduler.push(
          ...(await schedulerCase(b, {
            tmpDir,
            log,
            iterations: quick ? 500 : 2000,
            maxMs: quick ? 1000 : 3000,
          })),
        );
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const rows = { overhead, headers, features, scale, memory, scheduler };
  const results: Results = {
    meta: { ...machineInfo(), config, duration_s: Math.round((Date.now() - started) / 1000) },
    backends: backends.map(({ backend, status }) => ({ ...backend, status })),
    ...rows,
    ratios: ratiosOf(rows),
  };
  // Only a full run replaces the committed reference figures; a quick or partial one (a developer's
  // check before a change) goes beside them, ignored by git, as the import bench does.
  const name = quick ? "quick" : CASES.every((c) => only.includes(c)) ? "latest" : "partial";
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(here, "results", `${name}.md`), toMarkdown(results));
  log(`\nwrote bench/results/${name}.json and ${name}.md in ${results.meta.duration_s} s\n`);
  for (const [k, r] of Object.entries(results.ratios)) {
    const ok = meets(r);
    log(
      `${ok === false ? "MISS" : "    "} ${k} = ${r.value}${r.target === undefined ? "" : ` (target ${r.better === "higher" ? "≥" : "≤"} ${r.target})`}`,
    );
  }
  const broken = [...overhead, ...headers, ...features, ...scale].filter((r) => r.errors > 0);
  if (broken.length) {
    console.error(
      `\n!!! ${broken.length} case(s) got non-2xx answers or socket errors; their figures are not valid:`,
    );
    for (const r of broken) console.error(`!!! ${JSON.stringify(r)}`);
    process.exitCode = 1;
  }
  const baselinePath = join(here, "baseline.json");
  if (env.BENCH_UPDATE_BASELINE === "1" && name !== "latest") {
    console.error(
      `\n!!! BENCH_UPDATE_BASELINE needs a full run; this ${name} run left bench/baseline.json as it was`,
    );
    process.exitCode = 1;
  } else if (env.BENCH_UPDATE_BASELINE === "1") {
    writeFileSync(
      baselinePath,
      `${JSON.stringify({ meta: results.meta, ratios: results.ratios }, null, 2)}\n`,
    );
    log("baseline updated: bench/baseline.json");
  } else if (existsSync(baselinePath)) {
    const base = JSON.parse(readFileSync(baselinePath, "utf8")) as { ratios: Record<string, Ratio> };
    const bad = regressions(results.ratios, base.ratios);
    if (bad.length) {
      const bar = "!".repeat(72);
      console.error(
        `\n${bar}\n!!! REGRESSION: ${bad.length} ratio(s) moved more than 20% the wrong way vs bench/baseline.json\n${bar}`,
      );
      for (const b of bad) console.error(`!!! ${b.key}: baseline ${b.baseline} → now ${b.now}`);
      console.error(`${bar}\n`);
      process.exitCode = 1;
    } else log("no regression beyond 20% against bench/baseline.json");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
