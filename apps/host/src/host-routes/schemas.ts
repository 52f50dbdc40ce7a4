import * as v from "valibot";

/**
 * Response schemas of the host's own routes, for the API reference.
 * @module
 */

/** `{ items, next_cursor }`, the shape of every paged list. @internal */
export const pageOf = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });

/** Id, revision and timestamps every stored record carries. @internal */
export const stored = {
  id: v.string(),
  rev: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
};

/** One registry or pack issue. @internal */
export const IssueOut = v.object({
  severity: v.picklist(["error", "warning", "info"]),
  code: v.string(),
  pack: v.nullable(v.string()),
  message: v.string(),
  hint: v.string(),
});

/** One job run as kept in history. @internal */
export const RunOut = v.looseObject({
  run_id: v.string(),
  tick_id: v.string(),
  pack: v.string(),
  job: v.string(),
  slot: v.string(),
  trigger: v.string(),
  replica: v.string(),
  started_at: v.string(),
  ended_at: v.nullable(v.string()),
  duration_ms: v.nullable(v.number()),
  outcome: v.nullable(v.string()),
  error: v.nullable(v.string()),
  fence: v.nullable(v.number()),
});

/** A pack's outcome in daily ops, the brief or the seed. @internal */
export const packOutcome = <S extends v.GenericSchema>(result: S) =>
  v.union([
    v.object({ pack: v.string(), ok: v.literal(true), result }),
    v.object({ pack: v.string(), ok: v.literal(false), error: v.string() }),
  ]);

/** What a `seed()` did. @internal */
export const SeedOut = v.object({ created: v.array(v.string()), existing: v.array(v.string()) });

/** A host route declaration, whatever its schemas. @internal */
export type HostRoute = import("@valhalla/runtime").RouteDef<any, any, any, any>;
