import type { Context } from "hono";
import { nodeBindings } from "./node-bindings.js";

/**
 * One request header, read without building a WHATWG `Headers` object. On Node
 * (`@hono/node-server`) `c.req.header()` makes the server copy every raw header into a new
 * `Headers` on first use, which cost more than a memory-store read; the socket's own parsed
 * headers (`incoming.headers`, lower-cased, duplicates joined as RFC 9110 says) are already there.
 * Elsewhere (in-process `host.fetch`, other runtimes) it is `c.req.header(name)`.
 * @param name - a lower-case header name
 * @internal
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeBindings(c)?.incoming;
  if (incoming?.headers === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Whether the request target has a query part (`?`, even an empty one), read from the socket's
 * request line on Node and from `c.req.url` elsewhere, without parsing the query.
 * @internal
 */
export function hasQueryString(c: Context): boolean {
  const target = nodeBindings(c)?.incoming?.url ?? c.req.url;
  return target.includes("?");
}
