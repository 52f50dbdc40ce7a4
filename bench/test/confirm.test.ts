import { describe, expect, it } from "vitest";
import { isEmpty, keepBest, toRemeasure } from "../lib/confirm.js";

describe("toRemeasure", () => {
  it("should name the load measurements behind flagged ratios, and leave scale ratios alone", () => {
    const r = toRemeasure([
      "overhead.memory.get.host_vs_hono",
      "overhead.memory.get.p99_host_vs_hono",
      "overhead.sqlite.create.host_vs_hono",
      "headers.memory.healthz.host_vs_node_secured",
      "features.memory.get.lean_vs_hono",
      "scale.sqlite.bills.estimate.100k_vs_1k",
    ]);
    expect([...r.overhead].map(([b, ops]) => [b, [...ops]])).toEqual([
      ["memory", ["get"]],
      ["sqlite", ["create"]],
    ]);
    expect([...r.headers]).toEqual(["memory"]);
    expect([...r.features]).toEqual(["memory"]);
    expect(r.keys).toEqual([
      "overhead.memory.get.host_vs_hono",
      "overhead.memory.get.p99_host_vs_hono",
      "overhead.sqlite.create.host_vs_hono",
      "headers.memory.healthz.host_vs_node_secured",
      "features.memory.get.lean_vs_hono",
    ]);
    expect(isEmpty(r)).toBe(false);
  });

  it("should have nothing to measure again for scale ratios or keys it does not know", () => {
    expect(
      isEmpty(toRemeasure(["scale.redis.holdings.list.100k_vs_1k", "overhead.memory.delete.x", "x"])),
    ).toBe(true);
  });
});

describe("keepBest", () => {
  const row = (server: string, rps: number) => ({ server, rps, runs: [rps] });
  it("should keep each server's faster measurement and list the runs of both", () => {
    const merged = keepBest(
      [row("host", 9000), row("hono", 20000)],
      [row("host", 12000), row("hono", 18000)],
      (r) => r.server,
    );
    expect(merged).toEqual([
      { server: "host", rps: 12000, runs: [9000, 12000] },
      { server: "hono", rps: 20000, runs: [20000, 18000] },
    ]);
  });

  it("should add rows only the second measurement has, and keep rows it did not measure", () => {
    expect(keepBest([row("host", 1)], [row("fastify", 2)], (r) => r.server)).toEqual([
      row("host", 1),
      row("fastify", 2),
    ]);
    expect(keepBest([], [row("host", 3)], (r) => r.server)).toEqual([row("host", 3)]);
  });
});
