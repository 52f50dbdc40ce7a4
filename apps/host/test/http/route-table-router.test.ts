import fc from "fast-check";
import { TrieRouter } from "hono/router/trie-router";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Host } from "../../src/create-host.js";
import { RouteTableRouter } from "../../src/http/route-table-router.js";
import { allPacks, testHost } from "../fixtures/hosts.js";

// The host's router must answer exactly as Hono's TrieRouter over the same table: the same
// handlers, in the same order, with the same parameters, for any path, well-formed or not.

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const SEGMENTS = [
  "",
  "x",
  "asset_01",
  "merge_fields",
  "templates",
  "holdings",
  "app",
  "docs",
  "assets",
  "%",
  "%2F",
  "ü",
  ":id",
  "*",
  "a b",
  "..",
  "__proto__",
  "constructor",
];

function routersOver(table: readonly { method: string; path: string }[]) {
  const trie = new TrieRouter<number>();
  const ours = new RouteTableRouter<number>();
  table.forEach((r, i) => {
    trie.add(r.method, r.path, i);
    ours.add(r.method, r.path, i);
  });
  return { trie, ours };
}

/** A path drawn near the table: a route's pattern with its parameters filled, then maybe bent. */
function pathArb(table: readonly { path: string }[]) {
  return fc
    .record({
      route: fc.nat({ max: table.length - 1 }),
      fills: fc.array(fc.oneof(fc.constantFrom(...SEGMENTS), fc.string({ maxLength: 4 })), {
        minLength: 4,
        maxLength: 4,
      }),
      bend: fc.constantFrom("none", "trailing-slash", "double-slash", "extra", "drop-last", "swap"),
      other: fc.nat({ max: table.length - 1 }),
    })
    .map(({ route, fills, bend, other }) => {
      let k = 0;
      const segs = table[route]!.path.split("/").map((s) =>
        s.startsWith(":") || s.includes("*") ? fills[k++ % fills.length]! : s,
      );
      let path = segs.join("/") || "/";
      if (bend === "trailing-slash") path += "/";
      if (bend === "double-slash") path = path.replace("/", "//");
      if (bend === "extra") path += `/${fills[3]}`;
      if (bend === "drop-last") path = path.slice(0, path.lastIndexOf("/")) || "/";
      if (bend === "swap") path = table[other]!.path.replace(/:[A-Za-z0-9_]+/g, fills[0]!);
      return path;
    });
}

describe("RouteTableRouter", () => {
  let host: Host;
  let table: { method: string; path: string }[];
  beforeAll(async () => {
    host = await testHost({ packs: allPacks });
    table = host.app.routes.map((r) => ({ method: r.method, path: r.path }));
  });
  afterAll(() => host.close());

  it("should answer as TrieRouter over the host's whole route table", () => {
    const { trie, ours } = routersOver(table);
    expect(table.length).toBeGreaterThan(150);
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), pathArb(table), (method, path) => {
        expect(ours.match(method, path)).toEqual(trie.match(method, path));
      }),
      { numRuns: 20_000 },
    );
  });

  it("should answer as TrieRouter where static segments, parameters, ALL and wildcards overlap", () => {
    const overlapping = [
      { method: "GET", path: "/t/merge_fields" },
      { method: "GET", path: "/t/:id" },
      { method: "ALL", path: "/t/:id" },
      { method: "GET", path: "/:pack/items" },
      { method: "POST", path: "/t/:id/run" },
      { method: "GET", path: "/t/:id/:id" },
      { method: "ALL", path: "/w/*" },
      { method: "GET", path: "/w/x" },
      { method: "GET", path: "/r/:n{[0-9]+}" },
      { method: "GET", path: "/r/latest" },
      { method: "GET", path: "/o/:a?" },
      { method: "GET", path: "/t/items" },
      { method: "ALL", path: "/q/:id" },
      { method: "GET", path: "/q/:id" },
    ];
    const { trie, ours } = routersOver(overlapping);
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), pathArb(overlapping), (method, path) => {
        expect(ours.match(method, path)).toEqual(trie.match(method, path));
      }),
      { numRuns: 20_000 },
    );
    // The common case is answered without the trie, with every match in the order it was added.
    const viaTrie = vi.spyOn(TrieRouter.prototype, "match");
    ours.match("GET", "/t/merge_fields");
    ours.match("POST", "/t/7/run");
    expect(viaTrie).not.toHaveBeenCalled();
    ours.match("GET", "/w/x"); // under a wildcard
    ours.match("GET", "/t/7/"); // an empty segment
    ours.match("GET", "/r/12"); // under a pattern parameter
    expect(viaTrie).toHaveBeenCalledTimes(3);
    viaTrie.mockRestore();
    expect(ours.match("GET", "/t/items")).toEqual([
      [
        [1, { id: "items" }],
        [2, { id: "items" }],
        [3, { pack: "t" }],
        [11, {}],
      ],
    ]);
    expect(ours.match("GET", "/t/merge_fields")).toEqual([
      [
        [0, {}],
        [1, { id: "merge_fields" }],
        [2, { id: "merge_fields" }],
      ],
    ]);
  });

  it("should serve the host's requests through the table (a GET by id and a static route)", async () => {
    const res = await host.fetch(new Request("http://h/healthz"));
    expect(res.status).toBe(200);
    expect(host.app.router.name).toBe("RouteTableRouter");
  });
});
