import { createHost, type Host, silentLogger } from "@valhalla/host";
import type { AnyPack } from "@valhalla/runtime";
import { wholesale } from "../src/index.js";

/** A host over `storage` with the wholesale pack, auth off (share tokens still work). */
export function makeHost(storage = "memory:", packs: readonly AnyPack[] = [wholesale]): Promise<Host> {
  return createHost({ packs, storage, log: silentLogger, auth: { disabled: true } });
}

/** Headers of a real `jv_board` share token for `partner`, made through the host's own route. */
export async function asPartner(host: Host, partner: string): Promise<Record<string, string>> {
  const res = await call(host, "POST", "/share_tokens", { scope: "jv_board", subject: partner });
  if (res.status !== 201) throw new Error(`share token: ${JSON.stringify(res.body)}`);
  return { authorization: `Bearer ${res.body.token}` };
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

/** Create a deal and walk it along `stages` (each move must succeed). */
export async function dealAt(
  host: Host,
  stages: readonly string[],
  fields: Record<string, unknown> = {},
): Promise<any> {
  const created = await call(host, "POST", "/wholesale", fields);
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  let deal = created.body;
  for (const to of stages) {
    const res = await call(host, "POST", `/wholesale/${deal.id}/stage`, {
      to,
      ...(to === "dead" ? { reason: "seller backed out" } : {}),
    });
    if (res.status !== 200) throw new Error(`move to ${to} failed: ${JSON.stringify(res.body)}`);
    deal = res.body;
  }
  return deal;
}
