import { type CreateHostOptions, createHost, type Host, silentLogger } from "@valhalla/host";
import { inventory } from "../src/index.js";

/** A host with only the inventory pack, on a fresh in-memory store. */
export function inventoryHost(options: Partial<CreateHostOptions> = {}): Promise<Host> {
  return createHost({
    packs: [inventory],
    storage: "memory:",
    log: silentLogger,
    auth: { disabled: true },
    ...options,
  });
}

/** JSON request through the host, parsed. */
export async function call(
  host: Host,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await host.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}
