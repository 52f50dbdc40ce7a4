import type { RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import type { Stage } from "../stage.js";

/** A host-specific check after authorization (`createHost({ guard })`); throw a `ProblemError` to refuse. @public */
export type RouteGuard = (c: Context, route: RegistryRoute) => Promise<void> | void;

/** `guard`: the host's own extra check, when one is configured. @internal */
export function guardStage(guard: RouteGuard): Stage {
  return {
    name: "guard",
    async run(x, next) {
      await guard(x.c, x.route);
      return next(x);
    },
  };
}
