import { createHost, type Host, silentLogger } from "@valhalla/host";
import { wholesale } from "@valhalla/pack-wholesale";
import type { AnyPack } from "@valhalla/runtime";
import { dispo } from "../src/index.js";

/** A host with wholesale and dispo over `storage` (memory by default), optionally with a fixed clock. */
export function makeHost(
  options: { storage?: string; now?: Date; timezone?: string; packs?: readonly AnyPack[] } = {},
): Promise<Host> {
  return createHost({
    packs: options.packs ?? [wholesale, dispo],
    storage: options.storage ?? "memory:",
    log: silentLogger,
    auth: { disabled: true },
    ...(options.now ? { now: () => options.now! } : {}),
    ...(options.timezone ? { timezone: options.timezone } : {}),
  });
}

/** Send a JSON request and return status, parsed body and headers. */
export async function call(
  host: Host,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await host.fetch(new Request(`http://test${path}`, init));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Create a wholesale deal through HTTP and walk it to `stage` along the pipeline. */
export async function dealAt(host: Host, stage: string, fields: Record<string, unknown> = {}): Promise<any> {
  const created = await call(host, "POST", "/wholesale", fields);
  if (created.status !== 201) throw new Error(`deal create failed: ${JSON.stringify(created.body)}`);
  const order = ["offer", "contract", "assignment", "closed"];
  for (const to of order.slice(0, order.indexOf(stage) + 1)) {
    const res = await call(host, "POST", `/wholesale/${created.body.id}/stage`, { to });
    if (res.status !== 200) throw new Error(`move to ${to} failed: ${JSON.stringify(res.body)}`);
  }
  return (await call(host, "GET", `/wholesale/${created.body.id}`)).body;
}

/** Create a buyer through HTTP. */
export async function buyer(host: Host, body: Record<string, unknown>): Promise<any> {
  const res = await call(host, "POST", "/dispo/buyers", body);
  if (res.status !== 201) throw new Error(`buyer create failed: ${JSON.stringify(res.body)}`);
  return res.body;
}
