import { createRequire } from "node:module";
import { Counter, Histogram, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { createHostMetrics } from "../../src/metrics/host-metrics.js";
import { allPacks, keyFor, req, testHost } from "../fixtures/hosts.js";
import { notes } from "../fixtures/ops-packs.js";

// A third-party Prometheus text parser, so the exposition is checked by someone else's reading.
type Family = {
  name: string;
  type: string;
  metrics: {
    labels?: Record<string, string>;
    count?: string;
    sum?: string;
    value?: string;
    buckets?: Record<string, string>;
  }[];
};
const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => Family[];

describe("GET /metrics", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should count requests by route and status, 429s and job runs, and need the admin scope", async () => {
    host = await testHost({ packs: [...allPacks, notes], rateLimit: { limit: 4 } });
    const admin = await keyFor(host, "admin", "scraper");
    const reader = await keyFor(host, "holdings:read", "reader");
    for (let i = 0; i < 3; i++) await host.fetch(req("GET", "/holdings", { key: reader }));
    await host.fetch(req("GET", "/holdings/asset_nope", { key: reader }));
    await host.fetch(req("GET", "/no-such-route", { key: reader }));
    expect((await host.fetch(req("GET", "/holdings", { key: reader }))).status).toBe(429);
    const run = await host.scheduler.trigger("notes", "count");
    if (!run.ok) throw new Error(run.reason);
    await run.done;

    expect((await host.fetch(req("GET", "/metrics", { key: reader }))).status).toBe(403);
    const res = await host.fetch(req("GET", "/metrics", { key: admin }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const families = parse(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get("valhalla_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    const requests = byName.get("valhalla_http_requests_total")!;
    expect(requests.type).toBe("COUNTER");
    const count = (route: string, status: string) =>
      Number(
        requests.metrics.find(
          (m) => m.labels?.route === route && m.labels?.status === status && m.labels?.method === "GET",
        )?.value ?? 0,
      );
    expect(count("/holdings", "200")).toBe(3);
    expect(count("/holdings/:id", "404")).toBe(1);
    expect(count("(unmatched)", "404")).toBe(1);
    expect(count("/holdings", "429")).toBe(1);
    // The histogram holds every request of a route and method (3 answered, 1 refused).
    const series = (suffix: string) =>
      text.match(
        new RegExp(
          `^valhalla_http_request_duration_seconds_${suffix}\\{[^}]*method="GET",route="/holdings"[^}]*\\} (\\S+)$`,
          "gm",
        ),
      );
    expect(series("count")).toEqual([
      'valhalla_http_request_duration_seconds_count{method="GET",route="/holdings"} 4',
    ]);
    expect(series("bucket")).toHaveLength(14);
    expect(series("bucket")!.at(-1)).toContain('le="+Inf"');
    expect(series("bucket")!.at(-1)!.endsWith(" 4")).toBe(true);
    expect(Number(byName.get("valhalla_rate_limited_total")!.metrics[0]!.value)).toBe(1);
    expect(byName.get("valhalla_job_runs_total")!.metrics).toEqual([
      { labels: { pack: "notes", job: "count", outcome: "success" }, value: "1" },
    ]);
  });

  it("should expose request figures exactly as prom-client's own counter and histogram would", async () => {
    const ours = createHostMetrics();
    const reference = new Registry();
    const counter = new Counter({
      name: "valhalla_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers: [reference],
    });
    const histogram = new Histogram({
      name: "valhalla_http_request_duration_seconds",
      help: "HTTP request duration by method and route pattern",
      labelNames: ["method", "route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [reference],
    });
    const seen: [string, string, number, number][] = [
      ["GET", "/holdings/:id", 200, 0.0004],
      ["GET", "/holdings/:id", 200, 0.001],
      ["GET", "/holdings/:id", 404, 0.0031],
      ["POST", "/holdings", 201, 0.2],
      ["HEAD", "/holdings/:id", 200, 12],
      ["GET", "(unmatched)", 404, 0.05],
      ["POST", "/holdings", 400, 0.0025],
    ];
    for (const [method, route, status, seconds] of seen) {
      ours.recordRequest(method, route, status, seconds);
      counter.inc({ method, route, status: String(status) });
      histogram.observe({ method, route }, seconds);
    }
    // Series may come in another order; each line must be the same.
    const http = (t: string) =>
      t
        .split("\n")
        .filter((l) => l.includes("valhalla_http_"))
        .sort();
    expect(http(await ours.registry.metrics())).toEqual(http(await reference.metrics()));
  });
});
