import { Counter, Histogram, Registry } from "prom-client";

/**
 * The host's Prometheus metrics, in a registry of its own (two hosts in one process never mix
 * their figures): requests by route and status with latency, job runs by outcome, storage
 * outages and rate-limit refusals.
 * @internal
 */
export interface HostMetrics {
  readonly registry: Registry;
  /** Requests by `method`, matched `route` pattern and `status`. */
  readonly requests: Counter<"method" | "route" | "status">;
  /** Their durations by `method` and `route`. */
  readonly latency: Histogram<"method" | "route">;
  readonly jobRuns: Counter<"pack" | "job" | "outcome">;
  readonly storageErrors: Counter;
  readonly rateLimited: Counter;
}

/** Make a fresh metrics registry for one host. @internal */
export function createHostMetrics(): HostMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: "valhalla_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "valhalla_http_request_duration_seconds",
      help: "HTTP request duration by method and route pattern",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "valhalla_job_runs_total",
      help: "Pack job runs by outcome",
      labelNames: ["pack", "job", "outcome"] as const,
      registers: [registry],
    }),
    storageErrors: new Counter({
      name: "valhalla_storage_unavailable_total",
      help: "Requests answered 503 because the storage was unreachable",
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "valhalla_rate_limited_total",
      help: "Requests refused with 429 (rate limit or failed-authentication throttle)",
      registers: [registry],
    }),
  };
}
