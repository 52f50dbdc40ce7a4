import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";

/**
 * What `@hono/node-server` puts in `c.env`: the socket's request and response. Reading them
 * directly skips the WHATWG `Request`/`Headers` the server would otherwise build on demand.
 * @internal
 */
export interface NodeBindings {
  readonly incoming?: IncomingMessage;
  readonly outgoing?: ServerResponse;
}

/** The request's Node bindings, or `undefined` in-process (`host.fetch`, other runtimes). @internal */
export function nodeBindings(c: Context): NodeBindings | undefined {
  return c.env as NodeBindings | undefined;
}
