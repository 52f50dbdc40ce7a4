import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { json, keyFor, req, testHost } from "../fixtures/hosts.js";

// Walks the live route table, so every pack installed in packs.ts is covered as it lands.
describe("route walk", () => {
  let host: Host;
  let board: string;
  beforeAll(async () => {
    host = await testHost();
    const admin = await keyFor(host, "admin");
    const res = await host.fetch(
      req("POST", "/share_tokens", { key: admin, body: { scope: "jv_board", subject: "p1" } }),
    );
    board = (await json(res)).token;
  });
  afterAll(async () => {
    await host.close();
  });

  const concrete = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, "x_1");
  const send = (method: string, path: string, key?: string) =>
    host.fetch(
      req(method, concrete(path), {
        ...(key ? { key } : {}),
        ...(method === "GET" || method === "DELETE" ? {} : { body: {} }),
      }),
    );

  it("should cover every pack route and include a board route", () => {
    expect(host.registry.routes.length).toBeGreaterThan(10);
    expect(host.registry.routes.some((r) => r.def.shareScope === "jv_board")).toBe(true);
  });

  it("should answer 401 without a key on every non-public pack route", async () => {
    for (const r of host.registry.routes) {
      const res = await send(r.method, r.path);
      if (r.def.scope === "public") expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
      else {
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        expect(res.headers.get("www-authenticate"), `${r.method} ${r.path}`).toContain("Bearer");
      }
    }
  });

  it("should answer 403 to a key with the wrong scope on every non-public pack route", async () => {
    for (const r of host.registry.routes) {
      if (r.def.scope === "public") continue;
      const wrong =
        r.def.scope === "read"
          ? "zzother:write"
          : r.def.scope === "write"
            ? `${r.pack}:read`
            : `${r.pack}:write`;
      const res = await send(r.method, r.path, await keyFor(host, wrong));
      expect(res.status, `${r.method} ${r.path} with ${wrong}`).toBe(403);
      expect((await json(res)).type).toBe("https://valhalla.dev/problems/forbidden");
    }
  });

  it("should answer 403 to a jv_board share token everywhere but board routes", async () => {
    for (const r of host.registry.routes) {
      const res = await send(r.method, r.path, board);
      if (r.def.shareScope === "jv_board")
        expect(res.status, `${r.method} ${r.path}`).not.toBeOneOf([401, 403]);
      else expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it("should guard every non-public host route: 401 without a key, 403 for non-admins and share tokens", async () => {
    const reader = await keyFor(host, "zzother:write");
    const hostRoutes = host.registry.routes.filter((r) => r.pack === "host" && r.def.scope !== "public");
    expect(hostRoutes.length).toBeGreaterThan(5);
    for (const r of hostRoutes) {
      expect((await send(r.method, r.path)).status, `${r.method} ${r.path}`).toBe(401);
      expect((await send(r.method, r.path, reader)).status, `${r.method} ${r.path}`).toBe(403);
      expect((await send(r.method, r.path, board)).status, `${r.method} ${r.path}`).toBe(403);
    }
  });
});
