import type { Auth } from "../../security/auth.js";
import type { Stage } from "../stage.js";

/** `identify`: resolve the caller from its credential (401 for a bad one, 429 past the failure budget). @internal */
export function identifyStage(auth: Auth): Stage {
  return {
    name: "identify",
    async run(x, next) {
      x.principal = await auth.identify(x.c);
      if (x.principal) x.c.set("principal", x.principal);
      return next(x);
    },
  };
}
