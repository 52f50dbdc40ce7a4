import type { Context } from "hono";

/**
 * Who is calling: an API key, a partner share token, or nobody in particular (auth disabled).
 * @public
 */
export type Principal =
  | { readonly kind: "key"; readonly id: string; readonly name: string; readonly scopes: readonly string[] }
  | { readonly kind: "share"; readonly id: string; readonly scope: string; readonly subject: string }
  | { readonly kind: "anonymous" };

// Context variables are set with string keys; these accessors keep the casts in one place.
/** The request's principal, when one was resolved. @internal */
export function getPrincipal(c: Context): Principal | undefined {
  return c.get("principal" as never) as Principal | undefined;
}

/** Remember the request's principal. @internal */
export function setPrincipal(c: Context, p: Principal): void {
  c.set("principal" as never, p as never);
}

/** A stable id of the caller for rate limits and idempotency scoping. @internal */
export function principalKey(c: Context): string {
  const p = getPrincipal(c);
  if (p?.kind === "key") return `key:${p.id}`;
  if (p?.kind === "share") return `share:${p.id}`;
  // Only @hono/node-server provides the socket; in-process fetch (tests, serverless) has none.
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return `ip:${incoming?.socket?.remoteAddress ?? "local"}`;
}
