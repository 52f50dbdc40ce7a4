import { createHost, type Host, silentLogger } from "@valhalla/host";
import { bills } from "@valhalla/pack-bills";
import type { Driver } from "@valhalla/runtime";
import * as v from "valibot";
import { budget } from "../src/index.js";

/** A host with budget (and bills unless `withBills: false`) on in-memory storage and a fixed clock. */
export async function budgetHost(options: { now: string; withBills?: boolean; storage?: Driver | string }) {
  const now = new Date(options.now);
  const host: Host = await createHost({
    packs: options.withBills === false ? [budget] : [bills, budget],
    storage: options.storage ?? "memory:",
    log: silentLogger,
    auth: { disabled: true },
    timezone: "UTC",
    now: () => now,
  });
  return { host, call: jsonCaller(host) };
}

/** Calls `host` in-process with a JSON body, answering status, parsed body (or null) and headers. */
export function jsonCaller(host: Pick<Host, "fetch">) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await host.fetch(
      new Request(`http://x${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

/** Parse a response body with the route's response schema, failing with the issues when it does not conform. */
export function conforms<T>(schema: v.GenericSchema<unknown, T>, body: unknown): T {
  const r = v.safeParse(schema, body);
  if (!r.success) throw new Error(`response does not conform: ${JSON.stringify(v.flatten(r.issues))}`);
  return r.output;
}
