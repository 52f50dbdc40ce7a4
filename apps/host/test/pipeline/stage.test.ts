import { describe, expect, it } from "vitest";
import type { Exchange } from "../../src/pipeline/exchange.js";
import { compose, type Stage, type StageName } from "../../src/pipeline/stage.js";

const stage = (name: StageName, seen: string[]): Stage => ({
  name,
  run: (x, next) => {
    seen.push(name);
    return next(x);
  },
});

describe("compose", () => {
  it("should run stages in order and end with the terminal", async () => {
    const seen: string[] = [];
    const run = compose([stage("identify", seen), stage("authorize", seen), stage("validate", seen)], () => {
      seen.push("end");
      return Promise.resolve(new Response("ok"));
    });
    await run({} as Exchange);
    expect(seen).toEqual(["identify", "authorize", "validate", "end"]);
  });

  it("should refuse stages out of the fixed order, naming the stage", () => {
    const seen: string[] = [];
    expect(() =>
      compose([stage("authorize", seen), stage("identify", seen)], () => Promise.resolve(new Response())),
    ).toThrow("Stage 'identify' is out of order");
    expect(() =>
      compose([stage("handle", seen), stage("handle", seen)], () => Promise.resolve(new Response())),
    ).toThrow("Stage 'handle' is out of order");
  });
});
