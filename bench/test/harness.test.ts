import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  FEATURE_VARIANTS,
  featuresCase,
  HEADER_SERVERS,
  headersCase,
  overheadCase,
  scaleCase,
  schedulerCase,
} from "../lib/cases.js";
import { callgrindMissing, instructionsCase, sequential } from "../lib/instructions.js";
import { type Child, percentile, spawnServer } from "../lib/load.js";
import { ratiosOf, regressions, SCALE_NOISE, toMarkdown } from "../lib/report.js";

const tmpDir = mkdtempSync(join(tmpdir(), "valhalla-bench-test-"));
const opts = {
  seconds: 1,
  connections: 2,
  repeats: 1,
  tmpDir,
  log: () => {},
};
afterAll(() => rmSync(tmpDir, { recursive: true, force: true }));

// Smoke test of the harness at N=100 for 1 s per case: proves the case builders drive real servers
// and collect figures; the real run is `npm run bench`.
describe.concurrent("bench harness", () => {
  it("should serve the same GET from host, bare Hono and bare Fastify without errors", async () => {
    const rows = await overheadCase(
      { name: "memory", url: "memory:" },
      { ...opts, ops: ["get"], seed: 100, warmup: false },
    );
    expect(rows.map((r) => r.server)).toEqual(["host", "hono", "fastify"]);
    for (const r of rows) {
      expect(r.errors).toBe(0);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.rps).toBeGreaterThan(0);
      // Percentiles of each response's own time: a loopback GET's p50 is a fraction of a
      // millisecond, which autocannon's whole-millisecond histogram reports as 0.
      expect(r.p50_ms).toBeGreaterThan(0);
      expect(r.p50_ms).toBeLessThanOrEqual(r.p99_ms);
    }
    expect(
      ratiosOf({ overhead: rows, headers: [], features: [], scale: [], memory: [], scheduler: [] }),
    ).toHaveProperty(["overhead.memory.get.host_vs_hono", "target"], 0.85);
  });

  it("should leave out each host feature it names, and compare the lean host with bare Hono", async () => {
    const rows = await featuresCase(
      { name: "memory", url: "memory:" },
      { ...opts, seed: 100, warmup: false },
    );
    expect(rows.map((r) => r.variant)).toEqual([
      ...FEATURE_VARIANTS.map((v) => v.name),
      "hono",
      "hono-featured",
    ]);
    // Zero errors proves the variants without auth answered requests that carry no key (with auth
    // on, each would be a 401), and the variants with auth answered with theirs.
    for (const r of rows) {
      expect(r.errors).toBe(0);
      expect(r.requests).toBeGreaterThan(0);
    }
    const logged = (variant: string) => {
      const file = join(tmpDir, `memory-features-${variant}.log`);
      return existsSync(file) ? statSync(file).size : 0;
    };
    expect(logged("production")).toBeGreaterThan(0);
    expect(logged("no-auth")).toBeGreaterThan(0);
    expect(logged("no-log")).toBe(0);
    expect(logged("lean")).toBe(0);
    // Hono with the features logs too, and its zero errors mean its bearer check took the stored key.
    expect(logged("hono-featured")).toBeGreaterThan(0);
    const ratios = ratiosOf({
      overhead: [],
      headers: [],
      features: rows,
      scale: [],
      memory: [],
      scheduler: [],
    });
    expect(ratios["features.memory.get.lean_vs_hono"]?.value).toBeGreaterThan(0);
    expect(ratios["features.memory.get.production_vs_hono_featured"]?.value).toBeGreaterThan(0);
  });

  it("should measure /healthz with and without the host's headers, on servers that send the same ones", async () => {
    const lines: string[] = [];
    const rows = await headersCase(
      { name: "memory", url: "memory:" },
      { ...opts, warmup: false, log: (l) => lines.push(l) },
    );
    expect(rows.map((r) => r.server)).toEqual(HEADER_SERVERS);
    // Its progress lines name the case they belong to, not the overhead case whose loop it reuses.
    expect(lines.map((l) => l.trim().split(" ").slice(0, 4).join(" "))).toEqual(
      HEADER_SERVERS.map((s) => `headers memory healthz ${s}`),
    );
    for (const r of rows) {
      expect(r.errors).toBe(0);
      expect(r.requests).toBeGreaterThan(0);
    }
    const ratios = ratiosOf({
      overhead: [],
      headers: rows,
      features: [],
      scale: [],
      memory: [],
      scheduler: [],
    });
    for (const k of ["node_secured_vs_node", "host_vs_hono_featured", "host_vs_node_secured"])
      expect(ratios[`headers.memory.healthz.${k}`]?.value).toBeGreaterThan(0);

    // The comparison holds only while node-secured sends what the host sends, and Hono with the
    // features answers its probe without a key, as the host does.
    // Names and values, so the bench's copy of the host's header list cannot drift in either;
    // the date and the request id differ per answer, so only their presence is compared.
    const sent = async (kind: "host" | "node-secured" | "node" | "hono-featured") => {
      const child = await spawnServer({ kind, url: "memory:", logFile: join(tmpDir, `headers-${kind}.log`) });
      try {
        const res = await fetch(`http://127.0.0.1:${child.port}/healthz`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ status: "ok" });
        return Object.fromEntries(
          [...res.headers].map(([k, v]) => [k, k === "date" || k === "x-request-id" ? "(varies)" : v]),
        );
      } finally {
        await child.close();
      }
    };
    const host = await sent("host");
    expect(host).toHaveProperty("x-request-id");
    expect(host).toHaveProperty("x-frame-options", "DENY");
    expect(host).toHaveProperty("cache-control", "no-store");
    expect(await sent("node-secured")).toEqual(host);
    expect(await sent("hono-featured")).toEqual(host);
    expect(Object.keys(await sent("node")).sort()).toEqual([
      "connection",
      "content-length",
      "content-type",
      "date",
      "keep-alive",
    ]);
  });

  it("should time a filtered list and a summary on a seeded SQLite store and report host RSS", async () => {
    const { scale, memory } = await scaleCase(
      { name: "sqlite", url: "sqlite:" },
      { ...opts, levels: [100], endpoints: ["holdings.list", "holdings.summary"] },
    );
    expect(scale.map((r) => r.endpoint)).toEqual(["holdings.list", "holdings.summary"]);
    for (const r of scale) {
      expect(r.n).toBe(100);
      expect(r.errors).toBe(0);
      expect(r.mean_ms).toBeGreaterThan(0);
    }
    expect(memory.map((m) => m.when)).toEqual(["idle", "idle", "after-serving"]);
    expect(memory.every((m) => m.rss_mb > 10)).toBe(true);
  });

  it("should send the counted requests one at a time, or that many at once on as many connections", async () => {
    // The server holds each answer until `want` requests wait together (or the last has come): a
    // sender that never has `want` in flight at once stalls, and the test times out.
    let want = 1;
    let total = 0;
    let seen = 0;
    let most = 0;
    let held: (() => void)[] = [];
    const server = createServer((_req, res) => {
      seen++;
      held.push(() => res.end("{}"));
      most = Math.max(most, held.length);
      if (held.length === want || seen === total) {
        for (const answer of held) answer();
        held = [];
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const child = {
      port: (server.address() as AddressInfo).port,
      headers: {},
      ids: ["a", "b"],
    } as unknown as Child;
    const run = async (inFlight: number, count: number) => {
      [want, total, seen, most] = [inFlight, count, 0, 0];
      const errors = await sequential("get", child, inFlight)(count);
      return [errors, seen, most];
    };
    try {
      expect(await run(1, 7)).toEqual([0, 7, 1]);
      expect(await run(4, 25)).toEqual([0, 25, 4]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.skipIf(callgrindMissing())(
    "should count the instructions a server executes per request under callgrind",
    async () => {
      const lines: string[] = [];
      const rows = await instructionsCase(
        { name: "memory", url: "memory:" },
        {
          ...opts,
          log: (l) => lines.push(l),
          servers: ["hono"],
          ops: ["healthz", "get", "healthz"],
          warmup: 200,
          requests: 50,
        },
      );
      expect(rows.map((r) => [r.server, r.op, r.requests, r.errors])).toEqual([
        ["hono", "healthz", 50, 0],
        ["hono", "get", 50, 0],
        ["hono", "healthz", 50, 0],
      ]);
      // Plausible counts, each op's own: in a first version, without the counters zeroed before each
      // op, the third of get, create, healthz held a wrapped-around count (about 3.7e16).
      const [healthz, get, again] = rows.map((r) => r.instructions_per_req) as [number, number, number];
      for (const n of [healthz, get, again]) {
        expect(n).toBeGreaterThan(10_000);
        expect(n).toBeLessThan(100_000_000);
      }
      // Three counted windows each, every one plausible; the figure is the least of them.
      for (const r of rows) {
        expect(r.windows).toHaveLength(3);
        for (const w of r.windows) expect(w).toBeGreaterThan(10_000);
        expect(r.instructions_per_req).toBe(Math.min(...r.windows));
      }
      expect(lines).toEqual([
        `  instructions memory healthz hono: ${healthz} per request`,
        `  instructions memory get hono: ${get} per request`,
        `  instructions memory healthz hono: ${again} per request`,
      ]);
    },
  );

  it("should report the host's instructions per request against the bare apps', lower being better", () => {
    const row = (server: "host" | "hono" | "fastify" | "hono-featured", n: number, errors = 0) => ({
      backend: "memory",
      op: "get" as const,
      server,
      instructions_per_req: n,
      requests: 500,
      windows: [n],
      warmup: 20000,
      errors,
    });
    const base = { overhead: [], headers: [], features: [], scale: [], memory: [], scheduler: [] };
    expect(
      ratiosOf({
        ...base,
        instructions: [
          row("host", 234000),
          row("hono", 123000),
          row("fastify", 110000),
          row("hono-featured", 350000),
        ],
      }),
    ).toEqual({
      "instructions.memory.get.host_vs_hono": { value: 1.9, better: "lower" },
      "instructions.memory.get.host_vs_fastify": { value: 2.13, better: "lower" },
      "instructions.memory.get.host_vs_hono_featured": { value: 0.67, better: "lower" },
    });
    // A row with failed requests counted other work: no ratio from it.
    expect(ratiosOf({ ...base, instructions: [row("host", 234000), row("hono", 1000, 3)] })).toEqual({});
    // The table shows the least window and how far the most was above it.
    const md = toMarkdown({
      meta: { versions: {} },
      backends: [],
      ratios: {},
      ...base,
      instructions: [{ ...row("host", 200000), windows: [200000, 300000, 210000] }, row("hono", 100000)],
    } as unknown as Parameters<typeof toMarkdown>[0]);
    expect(md).toContain("| memory | get | host | 200000 | 2 | 1.5 | 500 × 3 (20000) | 0 |");
  });

  it("should measure lease acquire, extend, release and an insert-if-absent claim", async () => {
    const rows = await schedulerCase(
      { name: "memory", url: "memory:" },
      { tmpDir, log: () => {}, iterations: 50, maxMs: 1000 },
    );
    expect(rows.map((r) => r.op)).toEqual([
      "acquire",
      "extend",
      "release",
      "tick",
      "claim-new",
      "claim-taken",
    ]);
    expect(rows.every((r) => r.iterations === 50 && r.us_per_op > 0)).toBe(true);
  });

  it("should flag a ratio that moved more than 20% the wrong way", () => {
    const base = { a: { value: 1, better: "higher" as const }, b: { value: 1, better: "lower" as const } };
    expect(
      regressions({ a: { value: 0.7, better: "higher" }, b: { value: 1.1, better: "lower" } }, base),
    ).toEqual([{ key: "a", baseline: 1, now: 0.7 }]);
  });

  it("should not flag a move within a ratio's run-to-run noise, but flag one beyond it", () => {
    const base = {
      s: { value: 0.69, better: "lower" as const },
      t: { value: 0.9, better: "lower" as const },
    };
    const now = {
      s: { value: 0.95, better: "lower" as const, noise: SCALE_NOISE.list },
      t: { value: 8.2, better: "lower" as const, noise: SCALE_NOISE.summary },
      u: { value: 2.04, better: "lower" as const, noise: SCALE_NOISE.summary },
    };
    expect(regressions(now, { ...base, u: { value: 0.81, better: "lower" } })).toEqual([
      { key: "t", baseline: 0.9, now: 8.2 },
    ]);
    // Every scale ratio carries that noise; the overhead ratios, which move by hundredths, do not.
    const scale = ratiosOf({
      overhead: [],
      headers: [],
      features: [],
      scale: [100, 1000].flatMap((n) => [
        { ...SCALE_ROW, n },
        { ...SCALE_ROW, endpoint: "holdings.summary", kind: "summary" as const, n },
      ]),
      memory: [],
      scheduler: [],
    });
    expect(Object.values(scale).map((r) => r.noise)).toEqual([SCALE_NOISE.list, SCALE_NOISE.summary]);
  });
});

describe("percentile", () => {
  it("should take the nearest rank, to the µs, and 0 for no samples", () => {
    const ms = Array.from({ length: 200 }, (_, i) => (i + 1) / 1000 + 0.0004);
    expect(percentile(ms, 0.5)).toBe(0.1);
    expect(percentile(ms, 0.99)).toBe(0.198);
    expect(percentile([0.2504], 0.99)).toBe(0.25);
    expect(percentile([], 0.5)).toBe(0);
  });
});

const SCALE_ROW = {
  backend: "sqlite",
  endpoint: "holdings.list",
  kind: "list",
  cold_ms: 1,
  mean_ms: 1,
  p50_ms: 1,
  p99_ms: 1,
  rps: 1000,
  requests: 26,
  errors: 0,
  method: "sequential",
} as const;
