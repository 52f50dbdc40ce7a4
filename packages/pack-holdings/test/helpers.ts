import { type CreateHostOptions, createHost, type Host, silentLogger } from "@valhalla/host";
import { holdings } from "../src/index.js";

/** A host with only the holdings pack. */
export function holdingsHost(options: Partial<CreateHostOptions> = {}): Promise<Host> {
  return createHost({
    packs: [holdings],
    storage: "memory:",
    log: silentLogger,
    auth: { disabled: true },
    ...options,
  });
}

/** JSON request through the host. */
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
