import { describe, expect, it } from "vitest";
import { merge } from "../../src/internal/merge.js";

describe("merge", () => {
  it("should give what a spread gives: b's fields over a's, in order, as a new object", () => {
    const a = { x: 1, y: 2 };
    const b = { y: 3, z: 4 };
    const out = merge(a, b);
    expect(out).toEqual({ ...a, ...b });
    expect(Object.keys(out)).toEqual(["x", "y", "z"]);
    expect(out).not.toBe(a);
    expect(a).toEqual({ x: 1, y: 2 });
  });

  it("should copy a parsed __proto__ key as data, never as the prototype", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const out = merge(parsed, { b: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.polluted).toBeUndefined();
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(out.a).toBe(1);
    expect(out.b).toBe(2);
  });
});
