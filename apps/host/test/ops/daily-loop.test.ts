import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { apiKeyStore } from "../../src/security/api-keys.js";
import { trustedEnv } from "../../src/security/trusted-principal.js";
import { flaky, notes } from "../fixtures/ops-packs.js";
import { call, testHost } from "../helpers.js";

const json = async (res: Response) => ({
  status: res.status,
  body: (await res.json()) as any,
  headers: res.headers,
});

describe("host daily loop", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should render every brief section and an error entry for a failing one", async () => {
    host = await testHost({ packs: [notes, flaky], now: () => new Date("2026-02-01T10:00:00Z") });
    const res = await json(await call(host, "GET", "/brief"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: "2026-02-01", mode: "live" });
    expect(res.body.sections).toEqual([
      expect.objectContaining({
        pack: "notes",
        ok: true,
        title: "Notes",
        items: [{ label: "Notes", value: 0 }],
      }),
      expect.objectContaining({ pack: "flaky", ok: false, error: "brief exploded" }),
    ]);
  });

  it("should run every pack's daily hook once and report each outcome", async () => {
    host = await testHost({ packs: [notes, flaky] });
    await call(host, "POST", "/notes", { text: "a" });
    const res = await json(await call(host, "POST", "/ops/daily"));
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.packs).toEqual([
      expect.objectContaining({ pack: "notes", ok: true, result: { published: 1 } }),
      expect.objectContaining({ pack: "flaky", ok: false, error: "daily exploded" }),
    ]);
    const audit = await json(await call(host, "GET", "/audit?limit=50"));
    expect(audit.body.items.filter((e: { kind: string }) => e.kind === "daily")).toEqual([
      expect.objectContaining({ pack: "notes", outcome: "success", detail: "published: 1" }),
      expect.objectContaining({ pack: "flaky", outcome: "failure", detail: "daily exploded" }),
    ]);
  });

  it("should compute readiness from real state and pass after seeding and going live with auth on", async () => {
    const adminKey = "readiness-admin-secret-0123456789abcdef";
    host = await testHost({ packs: [notes], auth: { adminKey } });
    const as = { authorization: `Bearer ${adminKey}` };
    const before = await json(await call(host, "GET", "/readiness", undefined, as));
    expect(before.status).toBe(200);
    expect(before.body.ready).toBe(false);
    const byId = Object.fromEntries(before.body.items.map((i: { id: string; ok: boolean }) => [i.id, i.ok]));
    expect(byId).toEqual({
      "host.registry": true,
      "host.storage": true,
      "host.migrations": true,
      "host.jobs": true,
      "host.system_config": false,
      "host.auth": true,
      "host.admin_key": true,
      "host.live": false,
      "notes.any": false,
    });
    expect(before.body.items.find((i: { id: string }) => i.id === "notes.any").hint).toBe(
      "Seed or add a note.",
    );
    const seeded = await json(await call(host, "POST", "/boot/seed_minimum", undefined, as));
    expect(seeded.body).toMatchObject({ ok: true, host: { created: ["system_config"] } });
    // Seeding starts in soft launch: not live until the owner turns it off.
    const soft = await json(await call(host, "GET", "/readiness", undefined, as));
    expect(soft.body.ready).toBe(false);
    expect(soft.body.items.filter((i: { ok: boolean }) => !i.ok).map((i: { id: string }) => i.id)).toEqual([
      "host.live",
    ]);
    await call(host, "PUT", "/system/config", { soft_launch: false }, as);
    const after = await json(await call(host, "GET", "/readiness", undefined, as));
    expect(after.body.ready).toBe(true);
    const again = await json(await call(host, "POST", "/boot/seed_minimum", undefined, as));
    expect(again.body.packs[0].result).toEqual({ created: [], existing: ["note_welcome"] });
  });

  it("should not be ready with auth off, or with auth on and no live admin key", async () => {
    host = await testHost({ packs: [notes] });
    const open = await json(await call(host, "GET", "/readiness"));
    expect(open.body.items.find((i: { id: string }) => i.id === "host.auth")).toMatchObject({ ok: false });
    await host.close();

    host = await testHost({ packs: [notes], auth: {} });
    const keys = apiKeyStore(host.registry.driver);
    await keys.create({ name: "reader", scopes: "notes:read" });
    // Read it as the ops board does, in-process, so no stored admin key is needed to ask.
    const adminKeyItem = async () => {
      const res = await host.app.fetch(
        new Request("http://local/readiness"),
        trustedEnv({ kind: "key", id: "key_board", label: "board", scopes: ["admin"] }),
      );
      const body = (await res.json()) as { items: { id: string; ok: boolean }[] };
      return body.items.find((i) => i.id === "host.admin_key")!.ok;
    };
    expect(await adminKeyItem()).toBe(false);
    const admin = await keys.create({ name: "ops", scopes: "admin" });
    expect(await adminKeyItem()).toBe(true);
    await keys.revoke(admin.key.id);
    expect(await adminKeyItem()).toBe(false);
  });

  it("should report a failing readiness hook as a failed item", async () => {
    host = await testHost({ packs: [flaky] });
    const res = await json(await call(host, "GET", "/readiness"));
    expect(res.body.items).toContainEqual(
      expect.objectContaining({
        id: "flaky.readiness",
        ok: false,
        hint: "The check failed: readiness exploded",
      }),
    );
  });
});

describe("system config and approvals", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should default soft launch off and validate PUT bodies", async () => {
    host = await testHost({ packs: [notes] });
    expect((await json(await call(host, "GET", "/system/config"))).body).toEqual({
      soft_launch: false,
      updated_at: null,
    });
    const bad = await json(await call(host, "PUT", "/system/config", { soft_launch: "yes" }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("soft_launch");
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const extra = await json(await call(host, "PUT", "/system/config", { soft_launch: true, x: 1 }));
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].field).toBe("x");
    expect((await call(host, "PUT", "/system/config", "soft", { "content-type": "text/plain" })).status).toBe(
      415,
    );
    const ok = await json(await call(host, "PUT", "/system/config", { soft_launch: true }));
    expect(ok.body.soft_launch).toBe(true);
  });

  it("should act at once when soft launch is off", async () => {
    host = await testHost({ packs: [notes] });
    const note = await json(await call(host, "POST", "/notes", { text: "x" }));
    const res = await json(await call(host, "POST", `/notes/${note.body.id}/publish`));
    expect(res.status).toBe(200);
    expect(res.body.published).toBe(true);
    expect((await json(await call(host, "GET", "/approvals"))).body.items).toEqual([]);
  });

  it("should queue outbound actions while soft launch is on and run them when approved", async () => {
    host = await testHost({ packs: [notes] });
    await call(host, "PUT", "/system/config", { soft_launch: true });
    const note = await json(await call(host, "POST", "/notes", { text: "x" }));
    const queued = await json(await call(host, "POST", `/notes/${note.body.id}/publish`));
    expect(queued.status).toBe(202);
    expect(queued.body.status).toBe("pending_approval");
    const approved = await json(await call(host, "POST", `/approvals/${queued.body.approval_id}/approve`));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: "approved",
      result: { id: note.body.id, published: true },
    });
    expect((await json(await call(host, "GET", "/approvals?status=approved"))).body.items).toHaveLength(1);
  });

  it("should answer 404 for an unknown approval and 400 for a bad filter", async () => {
    host = await testHost({ packs: [notes] });
    const missing = await json(await call(host, "POST", "/approvals/appr_nope/approve"));
    expect(missing.status).toBe(404);
    const bad = await json(await call(host, "GET", "/approvals?status=maybe"));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("status");
  });
});
