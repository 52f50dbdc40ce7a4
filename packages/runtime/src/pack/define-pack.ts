import semver from "semver";
import type * as v from "valibot";
import type { CollectionDef } from "../storage/collection.js";
import type { ServiceRef } from "./service-ref.js";
import type { Pack, PackContext, PackDefinition, RouteDef } from "./types.js";

/** Rule for pack codes: lowercase, digits, single hyphens. @public */
export const PACK_CODE_PATTERN: RegExp = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const NS_PATTERN = /^[a-z][a-z0-9_]*$/;
const JOB_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * Define a pack. Checks what one pack can show on its own (code, semver version, unique names)
 * and throws `TypeError` naming the rule; checks between packs belong to the registry.
 *
 * @example
 * export const holdings = definePack({
 *   code: "holdings", version: "1.0.0", description: "Assets and net equity",
 *   storage: { assets: collection({ prefix: "asset", schema: Asset, indexes: ["type"] }) },
 *   routes: [route({ method: "GET", path: "/", summary: "List", scope: "read",
 *     handler: ({ ctx }) => ctx.storage.assets.list() })],
 * });
 * @public
 */
export function definePack<
  const S extends Record<string, CollectionDef> = {},
  const R extends Record<string, ServiceRef<unknown, boolean>> = {},
  const P extends readonly ServiceRef<unknown, boolean>[] = [],
>(def: PackDefinition<S, R, P>): Pack<S, R, P> {
  if (typeof def.code !== "string" || !PACK_CODE_PATTERN.test(def.code)) {
    throw new TypeError(`Invalid pack code '${String(def.code)}', must match ${PACK_CODE_PATTERN}`);
  }
  if (typeof def.version !== "string" || !semver.valid(def.version)) {
    throw new TypeError(
      `Invalid version '${String(def.version)}' of pack '${def.code}', must be semver (1.2.3)`,
    );
  }
  for (const ns of Object.keys(def.storage ?? {})) {
    if (!NS_PATTERN.test(ns))
      throw new TypeError(`Invalid namespace '${ns}' in pack '${def.code}', must match ${NS_PATTERN}`);
  }
  const jobs = new Set<string>();
  for (const job of def.jobs ?? []) {
    if (!JOB_PATTERN.test(job.name)) {
      throw new TypeError(`Invalid job name '${job.name}' in pack '${def.code}', must match ${JOB_PATTERN}`);
    }
    if (jobs.has(job.name)) throw new TypeError(`Job '${job.name}' is declared twice in pack '${def.code}'`);
    jobs.add(job.name);
  }
  for (const ref of def.provides ?? []) {
    if (ref.pack !== def.code) {
      throw new TypeError(
        `Pack '${def.code}' provides ${ref.toString()}, which belongs to pack '${ref.pack}'`,
      );
    }
  }
  return Object.freeze({ ...def }) as Pack<S, R, P>;
}

/**
 * Declare a route with its schemas; handler input is typed from them.
 * @example
 * route({ method: "GET", path: "/:id", summary: "Get an asset", scope: "read",
 *   params: v.object({ id: v.string() }), handler: ({ params, ctx }) => ctx.storage.assets.require(params.id) })
 * @public
 */
export function route<
  P extends v.GenericSchema | undefined = undefined,
  Q extends v.GenericSchema | undefined = undefined,
  B extends v.GenericSchema | undefined = undefined,
  Ctx = PackContext<any, any>,
>(def: RouteDef<P, Q, B, Ctx>): RouteDef<P, Q, B, Ctx> {
  return def;
}

/**
 * A `route` function bound to a pack's context type, for routes declared in their own files.
 * @example
 * const route = routeFor<HoldingsContext>();
 * export const listAssets = route({ method: "GET", path: "/", summary: "List", scope: "read", handler: ({ ctx }) => … });
 * @public
 */
export function routeFor<Ctx>(): <
  P extends v.GenericSchema | undefined = undefined,
  Q extends v.GenericSchema | undefined = undefined,
  B extends v.GenericSchema | undefined = undefined,
>(
  def: RouteDef<P, Q, B, Ctx>,
) => RouteDef<P, Q, B, Ctx> {
  return (def) => def;
}
