/**
 * `npm run bench`: the host against bare Hono and Fastify (req/s, and instructions per request
 * under callgrind), cost as data grows, host memory and scheduler lease cost. Writes
 * bench/results/latest.{json,md} (`quick.*` or `partial.*` for a quick run or a subset of the
 * cases) and compares ratios to bench/baseline.json. See bench/README.md for the environment knobs.
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
import { isEmpty, keepBest, type Remeasure, toRemeasure } from "./lib/confirm.js";
import { callgrindMissing, type InstructionRow, instructionsCase } from "./lib/instructions.js";
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
const CASES = ["overhead", "headers", "features", "instructions", "scale", "scheduler"];
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
  instructionBackends: list(env.BENCH_INSTRUCTION_BACKENDS, ["memory"]),
  instructionRequests: Number(env.BENCH_INSTRUCTION_REQUESTS ?? 500),
  instructionWarmup: Number(env.BENCH_INSTRUCTION_WARMUP ?? 20000),
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
  let overhead: OverheadRow[] = [];
  let headers: OverheadRow[] = [];
  let features: FeatureRow[] = [];
  const instructions: InstructionRow[] = [];
  let instructionsSkipped: string | undefined;
  const scale: ScaleRow[] = [];
  const memory: MemoryRow[] = [];
  const scheduler: SchedulerRow[] = [];
  const runLoad = async (what: Remeasure | undefined) => {
    const wants = (cases: ReadonlyMap<string, unknown> | ReadonlySet<string> | undefined, b: Backend) =>
      cases === undefined || cases.has(b.name);
    if (only.includes("overhead"))
      for (const b of live.filter(
        (b) => config.overheadBackends.includes(b.name) && wants(what?.overhead, b),
      )) {
        const ops = what?.overhead.get(b.name);
        const rows = await overheadCase(b, { ...opts, ...(ops ? { ops: [...ops] } : {}) });
        overhead = keepBest(overhead, rows, (r) => `${r.backend} ${r.op} ${r.server}`);
      }
    if (only.includes("headers"))
      for (const b of live.filter((b) => config.featureBackends.includes(b.name) && wants(what?.headers, b)))
        headers = keepBest(headers, await headersCase(b, opts), (r) => `${r.backend} ${r.server}`);
    if (only.includes("features"))
      for (const b of live.filter((b) => config.featureBackends.includes(b.name) && wants(what?.features, b)))
        features = keepBest(features, await featuresCase(b, opts), (r) => `${r.backend} ${r.variant}`);
  };
  const baselinePath = join(here, "baseline.json");
  const updateBaseline = env.BENCH_UPDATE_BASELINE === "1";
  const base =
    !updateBaseline && existsSync(baselinePath)
      ? (JSON.parse(readFileSync(baselinePath, "utf8")) as { ratios: Record<string, Ratio> })
      : undefined;
  const rows = () => ({ overhead, headers, features, instructions, scale, memory, scheduler });
  let remeasured: string[] = [];
  try {
    await runLoad(undefined);
    if (only.includes("instructions")) {
      instructionsSkipped = callgrindMissing();
      if (instructionsSkipped) log(`instructions: skipped: ${instructionsSkipped}`);
      else
        for (const b of live.filter((b) => config.instructionBackends.includes(b.name)))
          instructions.push(
            ...(await instructionsCase(b, {
              ...opts,
              requests: config.instructionRequests,
              warmup: config.instructionWarmup,
            })),
          );
    }
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
    // A load ratio that looks like a regression is measured once more before it is reported (see
    // lib/confirm.ts): one run in a slow minute must not fail a developer's check.
    const flagged = base ? regressions(ratiosOf(rows()), base.ratios).map((b) => b.key) : [];
    const again = toRemeasure(flagged);
    if (!isEmpty(again)) {
      remeasured = [...again.keys];
      log(
        `\nmeasuring once more before reporting, as they moved past the baseline: ${remeasured.join(", ")}`,
      );
      await runLoad(again);
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const results: Results = {
    meta: {
      ...machineInfo(),
      config,
      duration_s: Math.round((Date.now() - started) / 1000),
      ...(remeasured.length ? { remeasured } : {}),
      ...(instructionsSkipped ? { instructions_skipped: instructionsSkipped } : {}),
    },
    backends: backends.map(({ backend, status }) => ({ ...backend, status })),
    ...rows(),
    ratios: ratiosOf(rows()),
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
  const broken = [...overhead, ...headers, ...features, ...instructions, ...scale].filter(
    (r) => r.errors > 0,
  );
  if (broken.length) {
    console.error(
      `\n!!! ${broken.length} case(s) got non-2xx answers or socket errors; their figures are not valid:`,
    );
    for (const r of broken) console.error(`!!! ${JSON.stringify(r)}`);
    process.exitCode = 1;
  }
  if (updateBaseline && name !== "latest") {
    console.error(
      `\n!!! BENCH_UPDATE_BASELINE needs a full run; this ${name} run left bench/baseline.json as it was`,
    );
    process.exitCode = 1;
  } else if (updateBaseline) {
    writeFileSync(
      baselinePath,
      `${JSON.stringify({ meta: results.meta, ratios: results.ratios }, null, 2)}\n`,
    );
    log("baseline updated: bench/baseline.json");
  } else if (base) {
    const bad = regressions(results.ratios, base.ratios);
    if (bad.length) {
      const bar = "!".repeat(72);
      console.error(
        `\n${bar}\n!!! REGRESSION: ${bad.length} ratio(s) moved more than 20% the wrong way vs bench/baseline.json\n${bar}`,
      );
      for (const b of bad) console.error(`!!! ${b.key}: baseline ${b.baseline} → now ${b.now}`);
      console.error(`${bar}\n`);
      process.exitCode = 1;
    } else
      log(
        `no regression beyond 20% against bench/baseline.json${remeasured.length ? " (after measuring the flagged ratios once more)" : ""}`,
      );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
