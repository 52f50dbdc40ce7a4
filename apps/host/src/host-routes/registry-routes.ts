import { type Registry, type Report, reply, route } from "@valhalla/runtime";
import * as v from "valibot";
import { DOCS_CSP, DOCS_HTML } from "../board/docs/mount-docs.js";
import { buildOpenApi } from "../http/openapi.js";
import { type HostRoute, IssueOut } from "./schemas.js";

const ReportOut = v.object({
  ok: v.boolean(),
  packs: v.array(v.looseObject({ code: v.string(), version: v.string() })),
  issues: v.array(IssueOut),
});

/**
 * `/registry` (what is installed), `/registry/validate` (the wiring report, 422 when not ok),
 * `/openapi.json` and `/docs`. The OpenAPI document is built on first request, from
 * `registry.routes`, which holds these very declarations.
 * @internal
 */
export function registryRoutes(deps: {
  registry: () => Registry;
  report: { current: Report };
  info: { title: string; version: string };
}): HostRoute[] {
  let openapi: Record<string, unknown> | undefined;
  return [
    route({
      method: "GET",
      path: "/registry",
      summary: "Installed packs, storage driver and its capabilities, time zone",
      scope: "admin",
      response: {
        status: 200,
        schema: v.object({
          storage: v.object({ driver: v.string(), capabilities: v.record(v.string(), v.unknown()) }),
          timezone: v.string(),
          packs: ReportOut.entries.packs,
        }),
      },
      errors: [401, 403],
      handler: () => {
        const registry = deps.registry();
        return {
          storage: { driver: registry.driver.name, capabilities: registry.driver.capabilities },
          timezone: registry.timezone,
          packs: deps.report.current.packs,
        };
      },
    }),
    route({
      method: "GET",
      path: "/registry/validate",
      summary: "Validate the pack set now and list every issue; 422 when any is an error",
      scope: "admin",
      response: { status: 200, schema: ReportOut },
      errors: [401, 403, 422],
      handler: async () => {
        const report = await deps.registry().validate();
        deps.report.current = report;
        return reply(report.ok ? 200 : 422, report);
      },
    }),
    route({
      method: "GET",
      path: "/openapi.json",
      summary: "This API's OpenAPI 3.1 document",
      scope: "public",
      errors: [],
      response: {
        status: 200,
        schema: v.looseObject({ openapi: v.string(), paths: v.record(v.string(), v.unknown()) }),
      },
      handler: () => {
        openapi ??= buildOpenApi(deps.registry(), deps.info);
        return openapi;
      },
    }),
    route({
      method: "GET",
      path: "/docs",
      summary: "API reference (Swagger UI served by the host; try-it and Authorize against it)",
      scope: "public",
      response: { status: 200, schema: v.string(), contentType: "text/html" },
      errors: [],
      handler: ({ c }) => c.html(DOCS_HTML, 200, { "content-security-policy": DOCS_CSP }),
    }),
  ];
}
