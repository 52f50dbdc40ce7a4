import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { SHARE_TOKENS_NS } from "../../src/security/share-tokens.js";
import { boardItems, json, keyFor, req, testHost } from "../fixtures/hosts.js";

describe("share tokens", () => {
  let host: Host;
  let admin: string;
  beforeEach(async () => {
    host = await testHost();
    admin = await keyFor(host, "admin");
  });
  afterEach(async () => {
    await host.close();
  });

  const mint = async (body: unknown, key = admin) => host.fetch(req("POST", "/share_tokens", { key, body }));

  it("should need an admin key to create one", async () => {
    expect((await mint({ scope: "jv_board", subject: "p1" }, "")).status).toBe(401);
    const reader = await keyFor(host, "testboard:write");
    expect((await mint({ scope: "jv_board", subject: "p1" }, reader)).status).toBe(403);
  });

  it("should answer 400 naming 'subject' when a jv_board token has none", async () => {
    const res = await mint({ scope: "jv_board" });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.type).toBe("https://valhalla.dev/problems/validation-failed");
    expect(body.errors[0].field).toBe("subject");
  });

  it("should answer 400 for a scope no route declares, and for a past expiry", async () => {
    const res = await mint({ scope: "everything", subject: "p1" });
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].field).toBe("scope");
    const past = await mint({ scope: "jv_board", subject: "p1", expires_at: "2000-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    expect((await json(past)).errors[0].field).toBe("expires_at");
  });

  it("should create a token that reads only its partner's board", async () => {
    const writer = await keyFor(host, "testboard:write");
    await boardItems(host).create({ name: "mine", partner: "p1" });
    await boardItems(host).create({ name: "theirs", partner: "p2" });
    const res = await mint({ scope: "jv_board", subject: "p1", note: "Partner One" });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.token).toMatch(/^vs_shr_/);
    expect(created.subject).toBe("p1");
    expect(created).not.toHaveProperty("hash");
    expect(res.headers.get("location")).toBe(`/share_tokens/${created.id}`);

    const board = await host.fetch(req("GET", "/testboard/board", { key: created.token }));
    expect(board.status).toBe(200);
    const data = await json(board);
    expect(data.subject).toBe("p1");
    expect(data.items.map((i: { name: string }) => i.name)).toEqual(["mine"]);

    for (const [m, p] of [
      ["GET", "/testboard/items"],
      ["POST", "/testboard/items"],
      ["GET", "/testboard/public"],
      ["GET", "/holdings"],
    ] as const) {
      const r = await host.fetch(
        req(m, p, { key: created.token, body: m === "POST" ? { name: "x" } : undefined }),
      );
      expect(r.status).toBe(403);
    }
    expect((await host.fetch(req("GET", "/registry", { key: created.token }))).status).toBe(403);
    expect((await host.fetch(req("POST", "/share_tokens", { key: created.token, body: {} }))).status).toBe(
      403,
    );
    // The writer key still works normally.
    expect((await host.fetch(req("GET", "/testboard/board", { key: writer }))).status).toBe(200);
  });

  it("should stop working once revoked, and list without secrets", async () => {
    const created = await json(await mint({ scope: "jv_board", subject: "p1" }));
    const list = await host.fetch(req("GET", "/share_tokens", { key: admin }));
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.token);
    const del = await host.fetch(req("DELETE", `/share_tokens/${created.id}`, { key: admin }));
    expect(del.status).toBe(204);
    const after = await host.fetch(req("GET", "/testboard/board", { key: created.token }));
    expect(after.status).toBe(401);
    expect((await host.fetch(req("DELETE", "/share_tokens/shr_nope", { key: admin }))).status).toBe(404);
    expect((await host.fetch(req("DELETE", "/share_tokens/..%2F..", { key: admin }))).status).toBe(404);
  });

  it("should stop working after it expires", async () => {
    const created = await json(
      await mint({ scope: "jv_board", subject: "p1", expires_at: new Date(Date.now() + 400).toISOString() }),
    );
    expect((await host.fetch(req("GET", "/testboard/board", { key: created.token }))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await host.fetch(req("GET", "/testboard/board", { key: created.token }))).status).toBe(401);
  });

  it("should store only a hash of the token", async () => {
    const created = await json(await mint({ scope: "jv_board", subject: "p1" }));
    const raw = await host.registry.driver.get(SHARE_TOKENS_NS, created.id);
    expect(raw?.value).toBeDefined();
    expect(raw?.value).not.toContain(created.token.slice(-43));
  });
});
