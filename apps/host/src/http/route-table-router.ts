import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";

/**
 * Hono's router for the host. Hono's `RegExpRouter` refuses the registry's table (a static segment
 * and a parameter at one position, static first: `/templates/merge_fields` before
 * `/templates/:id`), and `TrieRouter`, which accepts it, cost several microseconds a request in
 * profiles. This router answers the common case itself and leaves the rest to a `TrieRouter` that
 * holds every route:
 *
 * - a route whose segments are all plain names or `:name` parameters is "simple"; the others
 *   (wildcards, regular-expression or optional parameters) are "complex";
 * - a request path is answered here when every segment is non-empty and no complex route could
 *   match it (it is outside each complex route's static prefix); otherwise by the `TrieRouter`.
 *
 * Here, candidates are the simple routes of the method (and `ALL`) with as many segments as the
 * path and the same first segment (or a parameter there), in the order they were added; each
 * matching one is returned with its parameters, as `TrieRouter` returns them. A property test holds
 * the two to the same answers.
 * @internal
 */
export class RouteTableRouter<T> implements Router<T> {
  readonly name = "RouteTableRouter";
  readonly #trie = new TrieRouter<T>();
  readonly #simple: SimpleRoute<T>[] = [];
  /** Static segments before the first non-plain segment of each complex route. */
  readonly #complexPrefixes: string[][] = [];
  #table: Map<string, Table<T>> | undefined;

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    this.#table = undefined;
    const segments = simpleSegments(path);
    if (segments) this.#simple.push({ method, segments, handler });
    else this.#complexPrefixes.push(staticPrefix(path));
  }

  match(method: string, path: string): Result<T> {
    // A literal ":" or "*" in a path can meet TrieRouter's own node keys; leave such paths to it.
    if (path.includes(":") || path.includes("*")) return this.#trie.match(method, path);
    const parts = path.split("/");
    // "/a/b" → ["", "a", "b"]; an empty segment elsewhere ("//", a trailing "/") goes to the trie.
    if (parts[0] !== "" || parts.length < 2) return this.#trie.match(method, path);
    for (let i = 1; i < parts.length; i++) if (parts[i] === "") return this.#trie.match(method, path);
    for (const prefix of this.#complexPrefixes)
      if (startsWith(parts, prefix)) return this.#trie.match(method, path);
    const table = (this.#table ??= compile(this.#simple));
    const byMethod = table.get(method);
    const all = table.get("ALL");
    const n = parts.length - 1;
    const first = parts[1]!;
    const out: [T, Record<string, string>][] = [];
    collect(byMethod, all, n, first, parts, out);
    return [out];
  }
}

interface SimpleRoute<T> {
  readonly method: string;
  /** Plain names, or `:name` for a parameter. */
  readonly segments: readonly string[];
  readonly handler: T;
}

interface Candidate<T> {
  readonly order: number;
  readonly segments: readonly string[];
  /** Per segment, the parameter's name, or `undefined` for a plain name. */
  readonly names: readonly (string | undefined)[];
  readonly handler: T;
}

/** Per method: by segment count, then by first segment (`:` for a leading parameter). */
type Table<T> = Map<number, Map<string, Candidate<T>[]>>;

const PLAIN = /^[A-Za-z0-9_.~-]+$/;
const PARAM = /^:[A-Za-z0-9_]+$/;

function simpleSegments(path: string): string[] | undefined {
  if (!path.startsWith("/") || path === "/") return undefined;
  const segments = path.slice(1).split("/");
  for (const s of segments) if (!PLAIN.test(s) && !PARAM.test(s)) return undefined;
  return segments;
}

function staticPrefix(path: string): string[] {
  const prefix: string[] = [];
  for (const s of path.replace(/^\//, "").split("/")) {
    if (!PLAIN.test(s)) break;
    prefix.push(s);
  }
  return prefix;
}

/** Whether `parts` (with the leading "") begin with the segments of `prefix`. */
function startsWith(parts: readonly string[], prefix: readonly string[]): boolean {
  if (parts.length - 1 < prefix.length) {
    // A complex route may match fewer segments than its prefix has (`/app/*` matches `/app`).
    for (let i = 0; i < parts.length - 1; i++) if (parts[i + 1] !== prefix[i]) return false;
    return true;
  }
  for (let i = 0; i < prefix.length; i++) if (parts[i + 1] !== prefix[i]) return false;
  return true;
}

function compile<T>(routes: readonly SimpleRoute<T>[]): Map<string, Table<T>> {
  const table = new Map<string, Table<T>>();
  routes.forEach((r, order) => {
    let byCount = table.get(r.method);
    if (!byCount) table.set(r.method, (byCount = new Map()));
    let byFirst = byCount.get(r.segments.length);
    if (!byFirst) byCount.set(r.segments.length, (byFirst = new Map()));
    const key = r.segments[0]!.startsWith(":") ? ":" : r.segments[0]!;
    let list = byFirst.get(key);
    if (!list) byFirst.set(key, (list = []));
    const names = r.segments.map((seg) => (seg.startsWith(":") ? seg.slice(1) : undefined));
    list.push({ order, segments: r.segments, names, handler: r.handler });
  });
  return table;
}

function collect<T>(
  byMethod: Table<T> | undefined,
  all: Table<T> | undefined,
  n: number,
  first: string,
  parts: readonly string[],
  out: [T, Record<string, string>][],
): void {
  const matched: Candidate<T>[] = [];
  scan(byMethod?.get(n), first, parts, matched);
  scan(all?.get(n), first, parts, matched);
  // Each list is in order; merged, they are put back in the order routes were added.
  if (matched.length > 1) matched.sort((a, b) => a.order - b.order);
  for (const c of matched) out.push([c.handler, paramsOf(c, parts)]);
}

function scan<T>(
  byFirst: Map<string, Candidate<T>[]> | undefined,
  first: string,
  parts: readonly string[],
  matched: Candidate<T>[],
): void {
  if (byFirst === undefined) return;
  const named = byFirst.get(first);
  if (named) for (const c of named) if (fits(c.segments, parts)) matched.push(c);
  const param = byFirst.get(":");
  if (param) for (const c of param) if (fits(c.segments, parts)) matched.push(c);
}

function fits(segments: readonly string[], parts: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.charCodeAt(0) !== 58 /* ":" */ && s !== parts[i + 1]) return false;
  }
  return true;
}

/**
 * Parameter records: no `Object.prototype` on their chain, as TrieRouter's `Object.create(null)`,
 * so a parameter named `__proto__` or `constructor` is only data. Made by a constructor whose
 * prototype is a null-prototype object, because `Object.create(null)` makes a dictionary-mode
 * object, and writing a name into one cost about 60 ns a request more.
 */
const ParamRecord = function ParamRecord() {} as unknown as new () => Record<string, string>;
ParamRecord.prototype = Object.create(null);

function paramsOf<T>(c: Candidate<T>, parts: readonly string[]): Record<string, string> {
  const params = new ParamRecord();
  const names = c.names;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name !== undefined && !(name in params)) params[name] = parts[i + 1]!;
  }
  return params;
}
