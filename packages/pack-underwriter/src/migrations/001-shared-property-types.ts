import type { MigrationDef } from "@valhalla/runtime";
import type { UnderwriterContext } from "../storage.js";

/**
 * Before 0.2 underwriter called a single-family house `single_family`; the shared vocabulary
 * (wholesale's, which dispo's buyers match on) calls it `sfh`. Rewrite stored properties so the
 * `type` index and every reader see one name.
 */
export const sharedPropertyTypes: MigrationDef<UnderwriterContext> = {
  version: 1,
  name: "shared-property-types",
  up: async (ctx) => {
    for await (const p of ctx.storage.properties.iterate({ order: "asc" })) {
      if ((p.type as string) !== "single_family") continue;
      await ctx.storage.properties.update(p.id, (cur) =>
        (cur.type as string) === "single_family" ? { ...cur, type: "sfh" } : cur,
      );
    }
  },
};
