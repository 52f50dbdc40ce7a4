import { definePack, reply, replyRecord, route } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { API_SECURITY_HEADERS } from "../../src/http/envelope.js";
import { call, testHost } from "../helpers.js";

// How the handle stage turns what a handler returns into the response, in-process and through the
// Node server (where the host writes the headers as a plain record, not through Hono's `c.json`).
const answers = definePack({
  code: "answers",
  version: "1.0.0",
  description: "Response-shape fixture",
  routes: [
    route({
      method: "GET",
      path: "/plain",
      summary: "Plain data",
      scope: "public",
      handler: () => ({ n: 1, nested: { ok: true } }),
    }),
    route({
      method: "GET",
      path: "/record",
      summary: "A record with its ETag and a Location in mixed case",
      scope: "public",
      handler: () => {
        const record = { id: "rec_1", rev: 7 };
        return replyRecord(201, record, { Location: "/answers/record" });
      },
    }),
    route({
      method: "DELETE",
      path: "/gone",
      summary: "No content",
      scope: "public",
      handler: () => reply(204, undefined, { "x-deleted": "1" }),
    }),
    route({
      method: "GET",
      path: "/framed",
      summary: "A reply that sets a header the envelope also sends",
      scope: "public",
      handler: () => reply(200, { framed: true }, { "X-Frame-Options": "SAMEORIGIN" }),
    }),
    route({
      method: "GET",
      path: "/hono",
      summary: "A handler that sets a header through the Hono context",
      scope: "public",
      handler: ({ c }) => {
        c.header("x-from-handler", "yes");
        return reply(200, { via: "hono" }, { etag: '"3"' });
      },
    }),
  ],
});

type Fetch = (method: string, path: string) => Promise<Response>;

describe.each([
  [
    "in-process",
    (host: Host): Fetch =>
      (m, p) =>
        call(host, m, p),
  ],
  [
    "over HTTP",
    (host: Host): Fetch => {
      const port = (host as Host & { port?: number }).port;
      return (m, p) => fetch(`http://127.0.0.1:${port}${p}`, { method: m });
    },
  ],
] as const)("handler results as responses (%s)", (mode, client) => {
  let host: Host & { port?: number };
  let send: Fetch;
  afterEach(() => host.close());

  const start = async () => {
    host = await testHost({ packs: [answers] });
    if (mode === "over HTTP") host.port = (await host.listen(0, "127.0.0.1")).port;
    send = client(host);
  };

  it("should send plain data as 200 JSON with the envelope headers", async () => {
    await start();
    const res = await send("GET", "/answers/plain");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    for (const [name, value] of API_SECURITY_HEADERS) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
    expect(res.headers.get("ratelimit-limit")).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({ n: 1, nested: { ok: true } });
  });

  it("should let a reply's own header win over the envelope's of the same name", async () => {
    await start();
    const res = await send("GET", "/answers/framed");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.json()).toEqual({ framed: true });
  });

  it("should send a reply's status and headers, whatever the case of their names", async () => {
    await start();
    const res = await send("GET", "/answers/record");
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe('"7"');
    expect(res.headers.get("location")).toBe("/answers/record");
    expect(await res.json()).toEqual({ id: "rec_1", rev: 7 });
  });

  it("should send 204 with its headers and no body", async () => {
    await start();
    const res = await send("DELETE", "/answers/gone");
    expect(res.status).toBe(204);
    expect(res.headers.get("x-deleted")).toBe("1");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
    expect(res.headers.get("content-length") ?? "0").toBe("0");
    expect(await res.text()).toBe("");
  });

  it("should keep headers a handler set on the Hono context beside its reply's", async () => {
    await start();
    const res = await send("GET", "/answers/hono");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-from-handler")).toBe("yes");
    expect(res.headers.get("etag")).toBe('"3"');
    expect(await res.json()).toEqual({ via: "hono" });
  });
});
