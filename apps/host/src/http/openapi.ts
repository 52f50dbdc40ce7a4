import { HOST_PACK_CODE, type Registry, type RouteDef } from "@valhalla/runtime";
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";

type JsonSchema = Record<string, unknown>;

const schemaOf = (s: v.GenericSchema): JsonSchema => {
  const out = toJsonSchema(s, { errorMode: "ignore", target: "draft-2020-12" }) as JsonSchema;
  delete out.$schema;
  return out;
};

const problemRef = { $ref: "#/components/schemas/Problem" };

/**
 * The problem statuses an operation can answer: those it declares, plus what the pipeline adds
 * by construction (401/403 unless public, 429 when rate-limited, 400/413/415 when it reads a
 * body, 404 when it has path parameters, 504 for the request timeout).
 */
function problemStatuses(def: RouteDef<any, any, any, any>): number[] {
  const out = new Set(def.errors ?? []);
  if (def.scope !== "public" || def.shareScope) out.add(401).add(403);
  if (def.rateLimit !== false) out.add(429);
  if (def.body) out.add(400).add(413).add(415);
  if (def.query) out.add(400);
  if (def.params || def.path.includes(":")) out.add(404);
  out.add(504);
  return [...out].sort((a, b) => a - b);
}

/**
 * OpenAPI 3.1 document for every route the host serves (its own and every pack's), generated
 * from the route declarations.
 */
export function buildOpenApi(
  registry: Registry,
  info: { title: string; version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry.routes) {
    const { def } = r;
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const parameters: unknown[] = [];
    const addParams = (schema: v.GenericSchema | undefined, where: "path" | "query") => {
      if (!schema) return;
      const js = schemaOf(schema);
      const props = (js.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((js.required ?? []) as string[]);
      for (const [name, s] of Object.entries(props)) {
        parameters.push({ name, in: where, required: where === "path" || required.has(name), schema: s });
      }
    };
    addParams(def.params, "path");
    if (!def.params) {
      for (const m of r.path.matchAll(/:([A-Za-z0-9_]+)/g))
        parameters.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
    }
    addParams(def.query, "query");
    // Without a declared response a handler's plain return value is sent as 200 (the `handle`
    // stage); a route answering anything else must declare it.
    const ok = def.response ?? { status: 200 };
    const responses: Record<string, unknown> = {
      [String(ok.status)]: {
        description: ok.description ?? "Success",
        ...(ok.schema
          ? { content: { [ok.contentType ?? "application/json"]: { schema: schemaOf(ok.schema) } } }
          : {}),
      },
    };
    for (const status of problemStatuses(def)) {
      responses[String(status)] = {
        description: "Problem",
        content: { "application/problem+json": { schema: problemRef } },
      };
    }
    const segments = r.path
      .split("/")
      .filter(Boolean)
      .slice(r.pack === HOST_PACK_CODE ? 0 : 1);
    (paths[path] ??= {})[def.method.toLowerCase()] = {
      operationId: `${r.pack}_${def.method.toLowerCase()}_${segments.join("_").replace(/[^A-Za-z0-9_]/g, "_") || "root"}`,
      tags: [r.pack],
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      "x-valhalla-scope":
        def.scope === "public" ? "public" : def.scope === "admin" ? "admin" : `${r.pack}:${def.scope}`,
      ...(def.scope === "public" && !def.shareScope ? { security: [] } : { security: [{ apiKey: [] }] }),
      ...(parameters.length ? { parameters } : {}),
      ...(def.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(def.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            instance: { type: "string" },
            request_id: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  pointer: { type: "string" },
                  field: { type: "string" },
                  message: { type: "string" },
                },
              },
            },
          },
        },
      },
      securitySchemes: { apiKey: { type: "http", scheme: "bearer" } },
    },
  };
}
