import type { Principal } from "@valhalla/runtime";
import type { Context } from "hono";

/**
 * In-process callers (the ops board rendering a page for a signed-in user) pass the principal in
 * the request's `env` under this symbol. `@hono/node-server` sets `env` to `{ incoming, outgoing }`
 * for network requests, so no network caller can put anything under it.
 * @internal
 */
export const TRUSTED_PRINCIPAL: unique symbol = Symbol("valhalla.trustedPrincipal");

/** `env` for `app.fetch(request, env)` that runs the request as `principal`. @internal */
export function asPrincipal(principal: Principal): { [TRUSTED_PRINCIPAL]: Principal } {
  return { [TRUSTED_PRINCIPAL]: principal };
}

/** The principal an in-process caller vouched for, if any. @internal */
export function trustedPrincipal(c: Context): Principal | undefined {
  const env = c.env as { [TRUSTED_PRINCIPAL]?: Principal } | undefined;
  return env?.[TRUSTED_PRINCIPAL];
}
