import { type Driver, ProblemError, route } from "@valhalla/runtime";
import * as v from "valibot";

/**
 * `/healthz` (the process answers) and `/readyz` (its storage does). Public, never rate-limited
 * (an orchestrator must not restart a healthy replica) and not logged by default.
 * @internal
 */
export function probeRoutes(driver: Driver) {
  return [
    route({
      method: "GET",
      path: "/healthz",
      summary: "Liveness: the process answers",
      scope: "public",
      rateLimit: false,
      log: false,
      response: { status: 200, schema: v.object({ status: v.literal("ok") }) },
      errors: [],
      handler: () => ({ status: "ok" }),
    }),
    route({
      method: "GET",
      path: "/readyz",
      summary: "Readiness: the storage answers",
      scope: "public",
      rateLimit: false,
      log: false,
      response: { status: 200, schema: v.object({ status: v.literal("ready"), storage: v.string() }) },
      errors: [503],
      handler: async () => {
        try {
          await driver.ping();
        } catch {
          throw new ProblemError(
            503,
            "storage-unreachable",
            `Storage '${driver.name}' is not reachable`,
            {},
            { "retry-after": "1" },
          );
        }
        return { status: "ready", storage: driver.name };
      },
    }),
  ];
}
