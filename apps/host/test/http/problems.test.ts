import { definePack, route } from "@valhalla/runtime";
import * as v from "valibot";
import { beforeEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { call, testHost } from "../helpers.js";

const boom = definePack({
  code: "boom",
  version: "1.0.0",
  description: "throws on purpose",
  routes: [
    route({
      method: "GET",
      path: "/",
      summary: "always fails",
      scope: "read",
      handler: () => {
        throw new Error("secret /etc/passwd at storage key holdings.assets");
      },
    }),
    route({
      method: "POST",
      path: "/echo",
      summary: "echo",
      scope: "write",
      body: v.strictObject({ n: v.number() }),
      handler: ({ body }) => body,
    }),
  ],
});

async function expectProblem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(body.type).toBe(`https://valhalla.dev/problems/${type}`);
  expect(typeof body.title).toBe("string");
  expect(res.headers.get("x-request-id")).toBeTruthy();
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+|node_modules|\/work\//);
  return body;
}

describe("problem+json responses", () => {
  let host: Host;
  beforeEach(async () => {
    host = await testHost({ packs: [boom] });
  });

  it("should answer an unknown route with 404", async () => {
    const body = await expectProblem(await call(host, "GET", "/nope"), 404, "not-found");
    expect(body.detail).toBe("No route GET /nope");
  });

  it("should answer malformed JSON with 400", async () => {
    await expectProblem(await call(host, "POST", "/boom/echo", "{not json"), 400, "malformed-json");
  });

  it("should answer an empty body with 400", async () => {
    await expectProblem(await call(host, "POST", "/boom/echo", ""), 400, "malformed-json");
  });

  it("should answer a non-JSON content type with 415", async () => {
    const res = await call(host, "POST", "/boom/echo", "n=1", {
      "content-type": "application/x-www-form-urlencoded",
    });
    await expectProblem(res, 415, "unsupported-media-type");
  });

  it("should answer JSON nested deeper than 32 with 400", async () => {
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    await expectProblem(await call(host, "POST", "/boom/echo", deep), 400, "json-too-deep");
  });

  it("should name each invalid and unknown field", async () => {
    const body = await expectProblem(
      await call(host, "POST", "/boom/echo", { n: "1", extra: true }),
      400,
      "validation-failed",
    );
    expect(body.errors).toEqual([
      { pointer: "/body/n", field: "n", message: expect.stringContaining("number") },
      { pointer: "/body/extra", field: "extra", message: "is not a known field" },
    ]);
  });

  it("should answer an oversized body with 413 with and without Content-Length", async () => {
    const small = await testHost({ packs: [boom], bodyLimitBytes: 1024 });
    const big = JSON.stringify({ n: 1, pad: "x".repeat(5000) });
    await expectProblem(await call(small, "POST", "/boom/echo", big), 413, "body-too-large");
    const stream = new ReadableStream({
      start(ctrl) {
        ctrl.enqueue(new TextEncoder().encode(big));
        ctrl.close();
      },
    });
    const chunked = new Request("http://localhost/boom/echo", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(chunked.headers.get("content-length")).toBeNull();
    await expectProblem(await small.fetch(chunked), 413, "body-too-large");
  });

  it("should hide unexpected errors behind a 500 problem with only the request id", async () => {
    const body = await expectProblem(await call(host, "GET", "/boom"), 500, "internal");
    expect(JSON.stringify(body)).not.toContain("passwd");
    expect(JSON.stringify(body)).not.toContain("holdings.assets");
    expect(body.request_id).toBeTruthy();
  });
});
