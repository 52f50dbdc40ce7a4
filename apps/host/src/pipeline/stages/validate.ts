import { type FieldError, ProblemError } from "@valhalla/runtime";
import * as v from "valibot";
import { hasQueryString } from "../../http/request-header.js";
import type { Stage } from "../stage.js";

type Part = "params" | "query" | "body";

/**
 * Validate `input` against a schema; every issue becomes a field error under `part`. Path
 * parameters that do not fit are a 404 (no such resource), not a 400.
 * @internal
 */
export function check<S extends v.GenericSchema>(schema: S, input: unknown, part: Part): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  if (part === "params") throw new ProblemError(404, "not-found", "No such resource");
  const errors: FieldError[] = result.issues.map((issue) => {
    const dot = v.getDotPath(issue) ?? "";
    return {
      pointer: `/${part}${dot ? `/${dot.replace(/\./g, "/")}` : ""}`,
      field: dot || part,
      message: friendly(issue),
    };
  });
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

/**
 * `validate`: the route's params, query and body schemas; the handler gets their outputs. Parts
 * without a schema pass through as strings (params, query) or `undefined` (body).
 * @internal
 */
export function validateStage(schemas: {
  readonly params?: v.GenericSchema | undefined;
  readonly query?: v.GenericSchema | undefined;
  readonly body?: v.GenericSchema | undefined;
}): Stage {
  const { params, query, body } = schemas;
  // Most reads come without a query string. When the schema turns an empty query into an empty
  // object (every field optional, no defaults), such a request gets `{}` without the query being
  // parsed and checked: the same answer, for about half a microsecond less a request.
  const emptyQueryIsEmpty = query !== undefined && emptyQueryGivesEmptyObject(query);
  return {
    name: "validate",
    run(x, next) {
      const req = x.c.req;
      x.params = params ? check(params, req.param(), "params") : req.param();
      x.query = !query
        ? req.query()
        : emptyQueryIsEmpty && !hasQueryString(x.c)
          ? {}
          : check(query, req.query(), "query");
      x.body = body ? check(body, x.body, "body") : undefined;
      return next(x);
    },
  };
}

/** Whether `schema` accepts an empty query and outputs an empty object for it. */
function emptyQueryGivesEmptyObject(schema: v.GenericSchema): boolean {
  let out: unknown;
  try {
    const result = v.safeParse(schema, {});
    out = result.success ? result.output : undefined;
  } catch {
    // A pack's transform that throws on an empty query fails that request, as it always did,
    // not the host's start.
    return false;
  }
  return typeof out === "object" && out !== null && !Array.isArray(out) && Reflect.ownKeys(out).length === 0;
}
