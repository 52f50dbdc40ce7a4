import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertStorable, InvalidValueError, MAX_JSON_DEPTH } from "../../src/index.js";

// Good values are trees of storable leaves; a bad one is a good object with one unstorable leaf
// planted under a known key, whose path the error must name.
const goodLeaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const badLeaf = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  -(2 ** 60),
  "a\u0000b",
  "\ud800",
  () => 1,
  10n,
);
const key = fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== "__proto__");
const { tree } = fc.letrec<{ tree: unknown }>((t) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    goodLeaf,
    fc.array(t("tree"), { maxLength: 4 }),
    fc.dictionary(key, t("tree"), { maxKeys: 4 }),
  ),
}));
const planted = fc
  .tuple(fc.dictionary(key, tree, { maxKeys: 4 }), badLeaf, key)
  .map(([good, leaf, k]) => ({ value: { ...good, [`${k}!`]: leaf }, at: `${k}!` }));

describe("assertStorable", () => {
  it("should accept every value made of storable leaves", () => {
    fc.assert(
      fc.property(tree, (value) => {
        expect(() => assertStorable(value)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it("should refuse a value with one unstorable leaf, naming its path", () => {
    fc.assert(
      fc.property(planted, ({ value, at }) => {
        let caught: unknown;
        try {
          assertStorable(value);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(InvalidValueError);
        expect((caught as Error).message).toContain(`'${at}'`);
      }),
      { numRuns: 2000 },
    );
  });

  it("should refuse an own __proto__ key, a NUL in a key and nesting past the limit, at any depth", () => {
    const proto = JSON.parse('{"a":[{"b":1},{"__proto__":{"x":1}}]}');
    expect(() => assertStorable(proto)).toThrowError("Key '__proto__' is not allowed");
    expect(() => assertStorable({ a: { "k\u0000": 1 } })).toThrowError(InvalidValueError);
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
    expect(() => assertStorable(deep)).toThrowError(`nested deeper than ${MAX_JSON_DEPTH}`);
    let fine: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) fine = [fine];
    expect(() => assertStorable(fine)).not.toThrow();
  });
});
