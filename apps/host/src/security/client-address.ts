import type { Context } from "hono";
import { nodeBindings } from "../http/node-bindings.js";
import { requestHeader } from "../http/request-header.js";

/**
 * The client's address: the socket's peer, or, when that peer is one of `trustProxy`, the
 * right-most `X-Forwarded-For` entry not itself a trusted proxy. In-process requests (tests,
 * serverless) have no socket and count as `local`.
 * @internal
 */
export function clientAddress(c: Context, trustProxy: readonly string[] = []): string {
  const peer = nodeBindings(c)?.incoming?.socket?.remoteAddress ?? "local";
  if (trustProxy.length === 0 || !trustProxy.includes(peer)) return peer;
  const hops = (requestHeader(c, "x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustProxy.includes(hops[i]!)) return hops[i]!;
  return peer;
}
