import type { Principal, RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import type { LazyAbort } from "./lazy-abort.js";

/**
 * One request as it moves through a route's pipeline: what each stage found out, typed, in one
 * object made per request (no context-variable lookups, no casts).
 * @internal
 */
export interface Exchange {
  readonly c: Context;
  readonly route: RegistryRoute;
  /** Set by `identify`: the caller, or `undefined` when no credential was sent (auth on). */
  principal: Principal | undefined;
  /** Set by `read-body`: the raw body text, when the route reads one. */
  text: string | undefined;
  /** Set by `validate`: the parsed inputs. */
  params: unknown;
  query: unknown;
  body: unknown;
  /** Set by `handle`: the handler started, so its outcome is recorded (idempotency). */
  started: boolean;
  /** Set by `handle` when the request timed out while its handler still runs. */
  pending: Promise<void> | undefined;
  /** The request's abort flag (timeout or client gone), made by `handle`. */
  abort: LazyAbort | undefined;
  /** Id of the record the response is about, for the audit entry. */
  recordId: string | undefined;
}

/** A fresh exchange for `route`. @internal */
export function newExchange(c: Context, route: RegistryRoute): Exchange {
  return {
    c,
    route,
    principal: undefined,
    text: undefined,
    params: undefined,
    query: undefined,
    body: undefined,
    started: false,
    pending: undefined,
    abort: undefined,
    recordId: undefined,
  };
}

/** The principal handlers see: the resolved one, else anonymous (public routes, auth on). @internal */
export function principalOf(x: Exchange): Principal {
  return x.principal ?? ANONYMOUS;
}

const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous", label: "anonymous" });
