import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { trustedEnv } from "../../src/security/trusted-principal.js";
import { testHost } from "../fixtures/hosts.js";

const admin = { kind: "key", id: "key_inproc", label: "in-process", scopes: ["admin"] } as const;

describe("trusted in-process principal", () => {
  let host: Host;
  afterEach(async () => host?.close());

  it("should let an in-process call act as the principal it carries under the private symbol", async () => {
    host = await testHost();
    const res = await host.app.fetch(new Request("http://valhalla.test/registry"), trustedEnv(admin));
    expect(res.status).toBe(200);
  });

  it("should keep the principal's scopes: a read key cannot write through it", async () => {
    host = await testHost();
    const reader = { kind: "key", id: "key_r", label: "reader", scopes: ["holdings:read"] } as const;
    const read = await host.app.fetch(new Request("http://valhalla.test/holdings"), trustedEnv(reader));
    expect(read.status).toBe(200);
    const write = await host.app.fetch(
      new Request("http://valhalla.test/holdings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "cash", label: "x", currency: "USD" }),
      }),
      trustedEnv(reader),
    );
    expect(write.status).toBe(403);
  });

  it("should ignore look-alike principals in a network request's env or headers", async () => {
    host = await testHost();
    const env = {
      incoming: { socket: { remoteAddress: "203.0.113.9" } },
      principal: admin,
      "valhalla.trustedPrincipal": admin,
      [Symbol("valhalla.trustedPrincipal")]: admin,
    };
    const res = await host.app.fetch(
      new Request("http://valhalla.test/registry", { headers: { "x-principal": JSON.stringify(admin) } }),
      env,
    );
    expect(res.status).toBe(401);
  });
});
