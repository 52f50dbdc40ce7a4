import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { apiKeyStore } from "../../src/security/api-keys.js";
import { notes } from "../fixtures/ops-packs.js";
import { boardPack } from "../fixtures/test-packs.js";
import { call, testHost } from "../helpers.js";

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

describe("audit log", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should record who, what, when, pack, record id and outcome of mutating requests", async () => {
    let t = new Date("2026-02-01T10:00:00Z").getTime();
    host = await testHost({ packs: [notes], now: () => new Date(t), auth: { disabled: true } });
    const note = await json(await call(host, "POST", "/notes", { text: "x" }, { "x-actor": "dana" }));
    t += 3_600_000;
    await call(host, "POST", "/notes", { text: 42 });
    await call(host, "GET", "/notes/whatever");
    const res = await json(await call(host, "GET", "/audit"));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        at: "2026-02-01T10:00:00.000Z",
        // Auth is off: x-actor labels the caller, and the record says it is anonymous.
        actor: { kind: "anonymous", id: "anonymous", label: "dana" },
        kind: "request",
        action: "POST /notes",
        pack: "notes",
        record_id: note.body.id,
        outcome: "success",
        status: 201,
      }),
      expect.objectContaining({
        at: "2026-02-01T11:00:00.000Z",
        actor: { kind: "anonymous", id: "anonymous", label: "anonymous" },
        outcome: "failure",
        status: 400,
        pack: "notes",
      }),
    ]);
    const since = await json(await call(host, "GET", "/audit?since=2026-02-01T10:30:00Z"));
    expect(since.body.items.map((e: { status: number }) => e.status)).toEqual([400]);
  });

  it("should name the calling key, not a header, on requests, share tokens and approvals", async () => {
    host = await testHost({ packs: [notes, boardPack] });
    const { key, secret } = await apiKeyStore(host.registry.driver).create({
      name: "alice",
      scopes: "admin",
    });
    const as = { authorization: `Bearer ${secret}`, "x-actor": "mallory" };
    const alice = { kind: "key", id: key.id, label: "alice" };
    await call(host, "PUT", "/system/config", { soft_launch: true }, as);
    const note = await json(await call(host, "POST", "/notes", { text: "hello" }, as));
    const queued = await json(await call(host, "POST", `/notes/${note.body.id}/publish`, undefined, as));
    expect(queued.status).toBe(202);
    const token = await json(
      await call(host, "POST", "/share_tokens", { scope: "jv_board", subject: "p1" }, as),
    );
    expect(token.status).toBe(201);
    expect((await call(host, "DELETE", `/share_tokens/${token.body.id}`, undefined, as)).status).toBe(204);
    const approved = await json(
      await call(host, "POST", `/approvals/${queued.body.approval_id}/approve`, undefined, as),
    );
    expect(approved.status).toBe(200);
    expect(approved.body.decided_by).toEqual(alice);

    const items = (await json(await call(host, "GET", "/audit?limit=50", undefined, as))).body.items as {
      action: string;
      actor: unknown;
      kind: string;
    }[];
    expect(items.map((e) => `${e.kind} ${e.action}`)).toEqual([
      "request PUT /system/config",
      "request POST /notes",
      "request POST /notes/:id/publish",
      "request POST /share_tokens",
      "request DELETE /share_tokens/:id",
      "approval notes:publish",
      "request POST /approvals/:id/approve",
    ]);
    for (const e of items) expect(e.actor, e.action).toEqual(alice);
    expect(JSON.stringify(items)).not.toContain("mallory");
  });

  it("should page with a cursor and filter by pack", async () => {
    host = await testHost({ packs: [notes] });
    for (let i = 0; i < 5; i++) await call(host, "POST", "/notes", { text: `n${i}` });
    await call(host, "PUT", "/system/config", { soft_launch: false });
    const first = await json(await call(host, "GET", "/audit?pack=notes&limit=3"));
    expect(first.body.items).toHaveLength(3);
    const second = await json(
      await call(host, "GET", `/audit?pack=notes&limit=3&cursor=${first.body.next_cursor}`),
    );
    expect(second.body.items).toHaveLength(2);
    expect(second.body.next_cursor).toBeNull();
    const hostOnly = await json(await call(host, "GET", "/audit?pack=host"));
    expect(hostOnly.body.items.map((e: { action: string }) => e.action)).toEqual(["PUT /system/config"]);
  });

  it("should be append-only and reject bad queries", async () => {
    host = await testHost({ packs: [notes] });
    const del = await call(host, "DELETE", "/audit");
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, HEAD");
    expect((await call(host, "PUT", "/audit", {})).status).toBe(405);
    const bad = await json(await call(host, "GET", "/audit?since=yesterday&limit=0"));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["since", "limit"]);
  });

  it("should record job runs whoever schedules them", async () => {
    host = await testHost({ packs: [notes] });
    const pack = host.registry.packs.find((p) => p.code === "notes")!;
    const started = await host.scheduler.trigger("notes", pack.jobs![0]!.name);
    if (!started.ok) throw new Error(started.reason);
    await started.done;
    const res = await json(await call(host, "GET", "/audit?pack=notes"));
    expect(res.body.items).toEqual([
      expect.objectContaining({
        kind: "job",
        actor: { kind: "job", id: expect.stringMatching(/^tick_/), label: "notes/count" },
        action: "job notes/count",
        record_id: expect.stringMatching(/^tick_/),
        outcome: "success",
      }),
    ]);
  });
});
