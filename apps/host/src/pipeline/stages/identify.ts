import type { Auth } from "../../security/auth.js";
import type { Stage } from "../stage.js";

/** `identify`: resolve the caller from its credential (401 for a bad one, 429 past the failure budget). @internal */
export function identifyStage(auth: Auth): Stage {
  return {
    name: "identify",
    run(x, next) {
      let found: ReturnType<Auth["identify"]>;
      try {
        found = auth.identify(x.c);
      } catch (err) {
        return Promise.reject(err);
      }
      if (found instanceof Promise)
        return found.then((p) => {
          x.principal = p;
          if (p) x.c.set("principal", p);
          return next(x);
        });
      x.principal = found;
      if (found) x.c.set("principal", found);
      return next(x);
    },
  };
}
