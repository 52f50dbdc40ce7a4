import { createHost, type Host, silentLogger } from "@valhalla/host";
import type { Driver } from "@valhalla/runtime";
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
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await host.fetch(
      new Request(`http://x${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  return { host, call, setNow: (iso: string) => (now = new Date(iso)) };
}
