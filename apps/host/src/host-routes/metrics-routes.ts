import { route } from "@valhalla/runtime";
import * as v from "valibot";
import type { HostMetrics } from "../metrics/host-metrics.js";
import type { HostRoute } from "./schemas.js";

/** `GET /metrics`: Prometheus text exposition (admin; not rate-limited or logged, it is scraped). @internal */
export function metricsRoutes(metrics: HostMetrics): HostRoute[] {
  return [
    route({
      method: "GET",
      path: "/metrics",
      summary:
        "Prometheus metrics: requests by route and status with latency, job runs, storage errors, 429s",
      scope: "admin",
      rateLimit: false,
      log: false,
      response: { status: 200, schema: v.string(), contentType: metrics.registry.contentType },
      errors: [401, 403],
      handler: async () =>
        new Response(await metrics.registry.metrics(), {
          headers: { "content-type": metrics.registry.contentType },
        }),
    }),
  ];
}
