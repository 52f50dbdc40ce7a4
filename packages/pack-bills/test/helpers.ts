import { createHost, type Host, silentLogger } from "@valhalla/host";
import { type Driver, memory } from "@valhalla/runtime";
import { bills } from "../src/index.js";

/** A host with only the bills pack on in-memory storage, a settable clock and a time zone. */
export async function billsHost(options: {
  now: string;
  timezone?: string;
  config?: Record<string, unknown>;
  storage?: Driver | string;
}) {
  let now = new Date(options.now);
  const host: Host = await createHost({
    packs: [bills],
    storage: options.storage ?? "memory:",
    log: silentLogger,
    auth: { disabled: true },
    timezone: options.timezone ?? "UTC",
    now: () => now,
    ...(options.config ? { config: { bills: options.config } } : {}),
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await host.fetch(
      new Request(`http://x${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  return { host, call, setNow: (iso: string) => (now = new Date(iso)) };
}

/** A memory driver that counts, per namespace, the `list` calls and the records they returned. */
export function countingDriver() {
  const driver = memory();
  const seen = new Map<string, { lists: number; rows: number }>();
  const counting: Driver = {
    ...driver,
    list: async (ns, query) => {
      const rows = await driver.list(ns, query);
      const c = seen.get(ns) ?? { lists: 0, rows: 0 };
      c.lists++;
      c.rows += rows.length;
      seen.set(ns, c);
      return rows;
    },
  };
  return {
    driver: counting,
    /** Calls on `ns` (e.g. `bills.payments`) since the last `reset`. */
    of: (ns: string) => seen.get(ns) ?? { lists: 0, rows: 0 },
    reset: () => seen.clear(),
  };
}

/** A fixed monthly bill anchored on the 31st, the fixture most bills tests start from. */
export const rent = {
  name: "Rent",
  payee: "Landlord LLC",
  currency: "USD",
  amount: "1500.00",
  cadence: "monthly",
  anchor_date: "2026-01-31",
};
