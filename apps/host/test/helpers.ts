import type { AnyPack } from "@valhalla/runtime";
import { type CreateHostOptions, createHost, type Host } from "../src/create-host.js";
import { silentLogger } from "../src/log.js";
import { selectPacks } from "../src/packs.js";

/** A host over the memory store with every installed pack and no log noise. */
export function testHost(
  options: Partial<CreateHostOptions> & { packs?: readonly AnyPack[] } = {},
): Promise<Host> {
  // The default set: installed packs whose hard requirements are installed too.
  const packs = selectPacks([], undefined, () => {});
  return createHost({ packs, storage: "memory:", log: silentLogger, auth: { disabled: true }, ...options });
}

/** Send a JSON request through the host in-process. */
export function call(
  host: Host,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  return host.fetch(new Request(`http://localhost${path}`, init));
}
