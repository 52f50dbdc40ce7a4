import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { keyFor, req, testHost } from "../fixtures/hosts.js";
import { postgresStore, redisStore } from "./services.js";

/** A TCP proxy to a real server that the test can cut (refusing and resetting) and restore. */
async function cuttableProxy(
  target: URL,
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      if (server) return resolve();
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      const s = server;
      server = undefined;
      s ? s.close(() => resolve()) : resolve();
    });
  await open();
  return { port, cut: shut, restore: open, close: shut };
}

const viaProxy = (url: string, port: number) => {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(port);
  return u.toString();
};

describe.each([redisStore, postgresStore])("storage outage on $name", (store) => {
  let host: Host | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>> | undefined;
  afterEach(async () => {
    await proxy?.restore().catch(() => {});
    await host?.close().catch(() => {});
    await proxy?.close();
    await cleanup?.();
  });

  it.skipIf(store.skip)(
    "should answer 503 with Retry-After while the store is down (a fake key too), and 2xx once it is back",
    async () => {
      const made = store.make();
      cleanup = made.cleanup;
      proxy = await cuttableProxy(new URL(made.url));
      host = await testHost({ storage: viaProxy(made.url, proxy.port), scheduler: { enabled: false } });
      const key = await keyFor(host, "admin");
      expect((await host.fetch(req("GET", "/holdings", { key }))).status).toBe(200);

      await proxy.cut();
      for (const r of [
        req("GET", "/holdings", { key }),
        req("GET", "/holdings", { key: `vk_key_nope_${"x".repeat(43)}` }),
      ]) {
        const started = performance.now();
        const res = await host.fetch(r);
        const elapsed = performance.now() - started;
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("2");
        expect(((await res.json()) as { type: string }).type).toBe(
          "https://valhalla.dev/problems/storage-unavailable",
        );
        // The bound is the driver's connect timeout (2 s), plus a margin for a loaded machine.
        expect(elapsed).toBeLessThan(6_000);
      }
      expect((await host.fetch(req("GET", "/readyz"))).status).toBe(503);

      await proxy.restore();
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await host.fetch(req("GET", "/holdings", { key }))).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    },
    60_000,
  );
});
