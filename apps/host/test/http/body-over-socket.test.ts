import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { allPacks, boardItems, testHost } from "../fixtures/hosts.js";

/**
 * Request bodies read from a real socket, where the host reads Node's own request stream (the
 * in-process `host.fetch` tests read a fetch `Request`'s body instead).
 */

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

/** POST `chunks` one write at a time (chunked: no Content-Length) and read the answer. */
function post(port: number, agent: Agent, path: string, chunks: readonly Buffer[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["content-type"]),
            body: Buffer.concat(parts).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe("request bodies over a socket", () => {
  let host: Host;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterEach(async () => {
    agent.destroy();
    await host?.close();
  });

  const start = async (bodyLimitBytes?: number) => {
    host = await testHost({
      packs: allPacks,
      scheduler: { enabled: false },
      auth: { disabled: true },
      ...(bodyLimitBytes ? { bodyLimitBytes } : {}),
    });
    return (await host.listen(0, "127.0.0.1")).port;
  };

  it("should join a body sent in pieces, with a character split between two of them", async () => {
    const port = await start();
    const whole = Buffer.from(JSON.stringify({ name: "Café ☕ 東京" }), "utf8");
    const cut = whole.indexOf(Buffer.from("☕")) + 1; // inside the three bytes of ☕
    const res = await post(port, agent, "/testboard/items", [whole.subarray(0, cut), whole.subarray(cut)]);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).name).toBe("Café ☕ 東京");
  });

  it("should answer 413 to a chunked body past the limit, store nothing, and keep the connection usable", async () => {
    const port = await start(1024);
    const piece = Buffer.from(`{"name":"${"y".repeat(600)}`);
    const res = await post(port, agent, "/testboard/items", [piece, piece, Buffer.from('"}')]);
    expect(res.status).toBe(413);
    expect(res.type).toBe("application/problem+json");
    expect(JSON.parse(res.body).type).toBe("https://valhalla.dev/problems/body-too-large");
    expect(await boardItems(host).count()).toBe(0);
    // The same keep-alive socket (maxSockets 1) serves the next request.
    const next = await post(port, agent, "/testboard/items", [Buffer.from('{"name":"after"}')]);
    expect(next.status).toBe(201);
    expect(await boardItems(host).count()).toBe(1);
  });

  it("should store nothing when the client goes away mid-body, and keep serving", async () => {
    const port = await start();
    let resolve!: () => void;
    const gone = new Promise<void>((r) => {
      resolve = r;
    });
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/testboard/items",
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.on("error", () => resolve());
    req.write('{"name":"half');
    // Sent, then cut: the host has the first piece and never sees the end.
    req.on("socket", (s) => s.once("connect", () => setImmediate(() => req.destroy())));
    await gone;
    const next = await post(port, agent, "/testboard/items", [Buffer.from('{"name":"whole"}')]);
    expect(next.status).toBe(201);
    const page = await boardItems(host).list({});
    expect(page.items.map((i) => i.name)).toEqual(["whole"]);
  });
});
