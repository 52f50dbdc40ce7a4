import { Counter, type PrometheusContentType, Registry, type RegistryContentType } from "prom-client";

/**
 * The host's Prometheus metrics, in a registry of its own (two hosts in one process never mix
 * their figures): requests by route and status with latency, job runs by outcome, storage
 * outages and rate-limit refusals.
 * @internal
 */
export interface HostMetrics {
  readonly registry: Registry;
  /**
   * Count one request by `method`, matched `route` pattern and `status`, with its duration:
   * `valhalla_http_requests_total` and the `valhalla_http_request_duration_seconds` histogram.
   */
  recordRequest(method: string, route: string, status: number, seconds: number): void;
  readonly jobRuns: Counter<"pack" | "job" | "outcome">;
  readonly storageErrors: Counter;
  readonly rateLimited: Counter;
}

/** Make a fresh metrics registry for one host. @internal */
export function createHostMetrics(): HostMetrics {
  const registry = new Registry();
  const http = new RequestMeters();
  registry.registerMetric(http.counter);
  registry.registerMetric(http.histogram);
  return {
    registry,
    recordRequest: (method, route, status, seconds) => http.record(method, route, status, seconds),
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

/** Upper bounds of the latency histogram, in seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A metric family as prom-client's registry reads it from `get()`. */
interface Family {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
  aggregator: "sum";
}

/**
 * What prom-client's registry reads of a metric: its `name` (the key it is registered under), its
 * `type` (OpenMetrics output renames counters) and `get()`. Its typings admit only its own metric
 * classes, whose per-call label hashing is what {@link RequestMeters} avoids.
 */
interface Collectable {
  readonly name: string;
  readonly type: Family["type"];
  get(): Family;
}

declare module "prom-client" {
  // Same type parameters as the class this merges into, as declaration merging requires.
  interface Registry<BoundRegistryContentType extends RegistryContentType = PrometheusContentType> {
    registerMetric(metric: Collectable): void;
  }
}

/** One route and method's figures. */
interface Meter {
  readonly byStatus: Map<number, number>;
  /** Requests per bucket (not cumulative); the last is above every bound. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * The request counter and latency histogram, kept as plain numbers per route and method and turned
 * into Prometheus families when scraped. prom-client's `inc` and `observe` hash their label object
 * on every call, which showed in profiles of a GET; here a request costs two map lookups.
 */
class RequestMeters {
  readonly #routes = new Map<string, Map<string, Meter>>();

  record(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.#routes.get(route);
    if (byMethod === undefined) this.#routes.set(route, (byMethod = new Map()));
    let m = byMethod.get(method);
    if (m === undefined)
      byMethod.set(
        method,
        (m = { byStatus: new Map(), buckets: new Array(BUCKETS.length + 1).fill(0), sum: 0, count: 0 }),
      );
    m.byStatus.set(status, (m.byStatus.get(status) ?? 0) + 1);
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]!) b++;
    m.buckets[b]!++;
    m.sum += seconds;
    m.count++;
  }

  #each(fn: (method: string, route: string, m: Meter) => void): void {
    for (const [route, byMethod] of this.#routes) for (const [method, m] of byMethod) fn(method, route, m);
  }

  /** `valhalla_http_requests_total`, as prom-client's registry reads a metric. */
  readonly counter: Collectable & { readonly help: string } = {
    name: "valhalla_http_requests_total",
    help: "HTTP requests by method, route pattern and status",
    type: "counter",
    get: (): Family => {
      const values: Family["values"] = [];
      this.#each((method, route, m) => {
        for (const [status, n] of m.byStatus) values.push({ labels: { method, route, status }, value: n });
      });
      return {
        name: this.counter.name,
        help: this.counter.help,
        type: "counter",
        values,
        aggregator: "sum",
      };
    },
  };

  /** `valhalla_http_request_duration_seconds`, in prom-client's histogram layout. */
  readonly histogram: Collectable & { readonly help: string } = {
    name: "valhalla_http_request_duration_seconds",
    help: "HTTP request duration by method and route pattern",
    type: "histogram",
    get: (): Family => {
      const name = this.histogram.name;
      const values: Family["values"] = [];
      this.#each((method, route, m) => {
        let cumulative = 0;
        BUCKETS.forEach((le, i) => {
          cumulative += m.buckets[i]!;
          values.push({ labels: { le, method, route }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: "+Inf", method, route }, value: m.count, metricName: `${name}_bucket` });
        values.push({ labels: { method, route }, value: m.sum, metricName: `${name}_sum` });
        values.push({ labels: { method, route }, value: m.count, metricName: `${name}_count` });
      });
      return { name, help: this.histogram.help, type: "histogram", values, aggregator: "sum" };
    },
  };
}
