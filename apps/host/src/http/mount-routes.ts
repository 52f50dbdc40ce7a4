import { type FieldError, isReply, ProblemError, type Registry, type RegistryRoute } from "@valhalla/runtime";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { setAuditRecordId } from "../ops/audit-log.js";
import { markStarted } from "./idempotency.js";
import { readJson } from "./read-json.js";
import { requestAbort } from "./request-timeout.js";

/** A hook run before every pack handler (auth, rate limit); throws a ProblemError to refuse. */
export type RouteGuard = (c: Context, route: RegistryRoute) => Promise<void> | void;

/** Validate `input` against a schema; every issue becomes a field error under `part`. */
function check<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  part: "params" | "query" | "body",
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const errors: FieldError[] = result.issues.map((issue) => {
    const dot = v.getDotPath(issue) ?? "";
    return {
      pointer: `/${part}${dot ? `/${dot.replace(/\./g, "/")}` : ""}`,
      field: dot || part,
      message: friendly(issue),
    };
  });
  const status = part === "params" ? 404 : 400;
  if (status === 404) throw new ProblemError(404, "not-found", "No such resource");
  throw new ProblemError(
    400,
    "validation-failed",
    `Invalid ${part}: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
    { errors },
  );
}

// valibot's defaults ("Invalid key: Expected …") read poorly for API clients.
function friendly(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === "never") return "is not a known field";
  if (issue.received === "undefined" && issue.kind === "schema") return "is required";
  return issue.message;
}

/** Parse `If-Match: "3"` (or `W/"3"`, or `3`) into a revision. */
function parseIfMatch(c: Context): number | undefined {
  const raw = c.req.header("if-match");
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(raw.trim());
  if (!m) throw new ProblemError(400, "invalid-if-match", 'If-Match must be an ETag such as "3"');
  return Number(m[1]);
}

/** Mount every registry route with input validation and the reply protocol. */
export function mountRoutes(app: Hono, registry: Registry, guard: RouteGuard): void {
  for (const route of registry.routes) {
    const { def } = route;
    app.on(def.method, route.path, async (c) => {
      await guard(c, route);
      const params = def.params ? check(def.params, c.req.param(), "params") : c.req.param();
      const query = def.query ? check(def.query, c.req.query(), "query") : c.req.query();
      const body = def.body ? check(def.body, await readJson(c), "body") : undefined;
      markStarted(c);
      const abort = requestAbort(c);
      // Writes check `abort` itself; a real AbortSignal is made only if the handler reads `ctx.signal`.
      const ctx = registry.context(
        route.pack,
        abort
          ? {
              abort,
              get signal() {
                return abort.signal;
              },
            }
          : {},
      );
      const out = await def.handler({ params, query, body, ctx, c, ifRev: parseIfMatch(c) } as never);
      if (out instanceof Response) return out;
      if (isReply(out)) {
        for (const [k, val] of Object.entries(out.headers)) c.header(k, val);
        if (out.body === undefined || out.status === 204) return c.body(null, out.status as 204);
        const id = (out.body as { id?: unknown } | null)?.id;
        if (typeof id === "string") setAuditRecordId(c, id);
        return c.json(out.body as object, out.status as 200);
      }
      return c.json(out as object, 200);
    });
  }
}
