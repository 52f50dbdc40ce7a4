import { definePack, route } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { allPacks, boardItems, json, keyFor, req, testHost } from "../fixtures/hosts.js";
import { gate } from "../fixtures/test-packs.js";

describe("request timeout", () => {
  let host: Host;
  afterEach(async () => {
    await host?.close();
  });

  it("should answer 504 once the limit passes, and refuse the write the handler attempts later", async () => {
    host = await testHost({ timeoutMs: 150 });
    const key = await keyFor(host, "admin");
    // The handler waits at a gate this test opens only after the 504 arrived: no sleeps, no clock.
    const late = gate("timeout-late-write");
    const res = await host.fetch(
      req("POST", "/testboard/slow?gate=timeout-late-write", { key, body: { name: "late" } }),
    );
    expect(res.status).toBe(504);
    const body = await json(res);
    expect(body.type).toBe("https://valhalla.dev/problems/timeout");
    expect(body.status).toBe(504);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    late.open();
    expect(await late.outcome).not.toBe("committed");
    expect(await boardItems(host).count()).toBe(0);
  });

  it("should let a handler answered 504 reach its refused write before close() closes storage", async () => {
    const h = await testHost({ timeoutMs: 150 });
    const key = await keyFor(h, "admin");
    const late = gate("timeout-close");
    let settled: string | undefined;
    void late.outcome.then((o) => {
      settled = o;
    });
    const res = await h.fetch(
      req("POST", "/testboard/slow?gate=timeout-close", { key, body: { name: "late" } }),
    );
    expect(res.status).toBe(504);
    const closing = h.close();
    late.open();
    await closing;
    // close() returned only after the overrunning handler finished, and its write was refused.
    expect(settled).toBeDefined();
    expect(settled).not.toBe("committed");
  });

  it("should abort the signal a handler reads from its context when the limit passes", async () => {
    let seen: { reason: string; own: boolean; copied: boolean } | undefined;
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    const waiter = definePack({
      code: "waiter",
      version: "1.0.0",
      description: "Test pack: a read that waits for its request's signal",
      routes: [
        route({
          method: "GET",
          path: "/",
          summary: "Wait until the request is aborted",
          scope: "read",
          handler: async ({ ctx }) => {
            const signal = ctx.signal!;
            const copy = { ...ctx };
            await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
            seen = {
              reason: (signal.reason as Error).name,
              own: Object.keys(ctx).includes("signal"),
              copied: copy.signal === signal,
            };
            done();
            return {};
          },
        }),
      ],
    });
    host = await testHost({ timeoutMs: 150, packs: [...allPacks, waiter] });
    const res = await host.fetch(req("GET", "/waiter", { key: await keyFor(host, "admin") }));
    expect(res.status).toBe(504);
    await finished;
    expect(seen).toEqual({ reason: "TimeoutError", own: true, copied: true });
  });

  it("should commit a write that finishes in time", async () => {
    host = await testHost({ timeoutMs: 500 });
    const key = await keyFor(host, "admin");
    const res = await host.fetch(req("POST", "/testboard/slow?ms=20", { key, body: { name: "quick" } }));
    expect(res.status).toBe(201);
    expect(await boardItems(host).count()).toBe(1);
  });
});
