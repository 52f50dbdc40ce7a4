import type { Auth } from "../../security/auth.js";
import type { Stage } from "../stage.js";

/** `authorize`: the route's declared scope (or share scope) against the caller's. @internal */
export function authorizeStage(auth: Auth): Stage {
  return {
    name: "authorize",
    run(x, next) {
      auth.authorize(x.principal, x.route);
      return next(x);
    },
  };
}
