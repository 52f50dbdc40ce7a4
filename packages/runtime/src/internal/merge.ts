/**
 * `{ ...a, ...b }` for plain records, built with `Object.assign`.
 *
 * On Node 20 (V8 11.3) an object literal that spreads and then adds properties (`{ ...rec, id }`,
 * `{ ...a, ...b }`) leaves the fast clone path and costs 1–20 µs per object — more than the rest
 * of a GET by id (bench/README.md, "Spread literals"). `Object.assign` onto a fresh literal costs
 * a few hundred ns. A `__proto__` own key (which `JSON.parse` can make) is copied as data, as a
 * spread would, never used as the new object's prototype.
 * @internal
 */
export function merge<A extends object, B extends object>(a: A, b: B): A & B {
  if (Object.hasOwn(a, "__proto__") || Object.hasOwn(b, "__proto__")) return { ...a, ...b };
  return Object.assign({}, a, b);
}
