import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { allPacks, keyFor, req, testHost } from "../fixtures/hosts.js";
import { notes } from "../fixtures/ops-packs.js";

// A third-party Prometheus text parser, so the exposition is checked by someone else's reading.
type Family = {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; count?: string; value?: string }[];
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
    const families = parse(await res.text());
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
    expect(Number(byName.get("valhalla_rate_limited_total")!.metrics[0]!.value)).toBe(1);
    expect(byName.get("valhalla_job_runs_total")!.metrics).toEqual([
      { labels: { pack: "notes", job: "count", outcome: "success" }, value: "1" },
    ]);
  });
});
