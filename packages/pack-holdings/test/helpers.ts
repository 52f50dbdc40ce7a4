import { type CreateHostOptions, createHost, type Host, silentLogger } from "@valhalla/host";
import { type Asset, holdings } from "../src/index.js";

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

/** A holding record as the pack stores it (no `valued_on`: as written before the sums), with changes. */
export const storedHolding = (over: Partial<Asset>): Asset => ({
  type: "cash",
  label: "x",
  internal_ref: null,
  jurisdiction: null,
  entity_name: null,
  entity_id: null,
  currency: "USD",
  notes: null,
  active: true,
  archived_at: null,
  valuation: null,
  liabilities: {},
  ...over,
});
