import type { Principal } from "@valhalla/runtime";
import type { Context } from "hono";

/**
 * The key under which the host's own in-process calls (the web app calling the API) carry their
 * principal in Hono's `env`. A module-private Symbol: @hono/node-server sets `env` to
 * `{ incoming, outgoing }` for network requests, and nothing a network caller sends can create this
 * key, so a principal found under it was put there by code in this process.
 */
const TRUSTED_PRINCIPAL: unique symbol = Symbol("valhalla.trustedPrincipal");

/** The `env` of an in-process request made on behalf of `principal`. @internal */
export function trustedEnv(principal: Principal): { readonly [TRUSTED_PRINCIPAL]: Principal } {
  return { [TRUSTED_PRINCIPAL]: principal };
}

/** The principal an in-process caller vouched for, if this request is one. @internal */
export function trustedPrincipal(c: Context): Principal | undefined {
  const env = c.env as Record<PropertyKey, unknown> | undefined;
  if (!env || typeof env !== "object") return undefined;
  return env[TRUSTED_PRINCIPAL] as Principal | undefined;
}
