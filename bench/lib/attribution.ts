/**
 * Where a request's instructions go: a callgrind dump's self cost per function, with V8's JIT code
 * named through the perf map Node writes with `--perf-basic-prof`, and grouped by who owns the
 * code (the host, the runtime, the packs, Hono, Node, V8). Counted, not sampled, so two runs of the
 * same code agree, and the difference between two servers is the difference in the work they do,
 * however busy the machine (`BENCH_PROFILE=instructions npm run bench:profile`).
 * @module
 */

/**
 * Instructions per function in a callgrind dump: `self`, those the function executed, and
 * `inclusive`, with those of the functions it called. A cost line after `calls=` is the callee's
 * inclusive cost at that call site: it goes to the caller's inclusive figure only (a recursive
 * call's not at all), so each instruction is in one function's self figure. Names may be
 * compressed (`fn=(12) name`, later `fn=(12)`).
 */
export function costs(text: string): { self: Map<string, number>; inclusive: Map<string, number> } {
  const names = new Map<string, string>();
  const name = (spec: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? spec;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  let fn: string | undefined;
  let callee: string | undefined;
  let callCost = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("fn=")) {
      fn = name(line.slice(3));
      callCost = false;
    } else if (line.startsWith("cfn=")) callee = name(line.slice(4));
    else if (line.startsWith("calls=")) callCost = true;
    else if (fn !== undefined && /^[+\-*0-9]/.test(line)) {
      const fields = line.trim().split(/\s+/);
      const n = Number(fields[fields.length - 1]);
      if (callCost) {
        callCost = false;
        if (callee !== fn) add(inclusive, fn, n);
        continue;
      }
      add(self, fn, n);
      add(inclusive, fn, n);
    }
  }
  return { self, inclusive };
}

/**
 * A lookup over V8's perf map (`/tmp/perf-<pid>.map`: `start size name` in hex, one line per code
 * object): the JS function (or regular expression, or stub) whose machine code holds `address`.
 */
export function perfMap(text: string): (address: bigint) => string | undefined {
  const ranges = text
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [start, size, ...rest] = l.split(" ");
      const s = BigInt(`0x${start}`);
      return { start: s, end: s + BigInt(`0x${size}`), name: rest.join(" ") };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return (address) => {
    let lo = 0;
    let hi = ranges.length - 1;
    let found: (typeof ranges)[number] | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]!.start <= address) {
        found = ranges[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && address < found.end ? found.name : undefined;
  };
}

/**
 * `self` with callgrind's names for JIT code (`0x…`) replaced by the perf map's and file URLs cut
 * to the package: `JS:*handle apps/host/dist/index.js:3302:14`, `JS:*dispatch hono/dist/compose.js:24:26`.
 * Code the map does not know is `(JIT code, unnamed)`.
 */
export function symbolize(
  self: ReadonlyMap<string, number>,
  lookup: (address: bigint) => string | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [raw, cost] of self) {
    const hex = /^0x([0-9a-f]+)$/.exec(raw);
    const name = hex ? (lookup(BigInt(`0x${hex[1]}`)) ?? UNNAMED) : raw;
    // ES modules are named by file URL, CommonJS ones (pino) by path.
    const short = name
      .replace(/(?:file:\/\/)?\/\S*?\/node_modules\//, "")
      .replace(/(?:file:\/\/)?\/\S*?\/(apps|packages|bench)\//, "$1/");
    out.set(short, (out.get(short) ?? 0) + cost);
  }
  return out;
}

const UNNAMED = "(JIT code, unnamed)";

/** Who owns the code of a symbolized function, for the per-category totals. */
export function categoryOf(name: string): string {
  if (name.startsWith("RegExp:")) return "regular expressions";
  if (name.startsWith("JS:")) {
    if (name.includes(" apps/host/")) return "host";
    if (name.includes(" packages/runtime/")) return "runtime";
    if (name.includes(" packages/pack-")) return "packs";
    if (name.includes(" bench/")) return "bench app";
    if (name.includes(" @hono/node-server/")) return "@hono/node-server";
    if (name.includes(" hono/")) return "hono";
    if (/ node:/.test(name)) return "Node (JS)";
    const pkg =
      / (@[^/ ]+\/[^/ ]+|[^/ ]+)\/dist\//.exec(name) ?? / (@[^/ ]+\/[^/ ]+|[^/ ]+)\/lib\//.exec(name);
    return pkg ? `other JS (${pkg[1]})` : "other JS";
  }
  if (name === UNNAMED) return UNNAMED;
  if (name.startsWith("Builtins_")) return "V8 builtins";
  if (name.includes("v8::")) return "V8 runtime (C++)";
  if (
    name.includes("node::") ||
    name.startsWith("llhttp") ||
    name.startsWith("uv_") ||
    name.includes("ada::")
  )
    return "Node (C++)";
  return "libc and other";
}

/** Instructions per request by category and by function, largest first. */
export interface Attribution {
  readonly perRequest: number;
  readonly categories: readonly (readonly [string, number])[];
  /** Self instructions per function. */
  readonly functions: readonly (readonly [string, number])[];
  /** JS functions with the instructions of what they called (V8 and Node code included). */
  readonly inclusive: readonly (readonly [string, number])[];
}

/** Attribute a dump of `requests` requests: per request, by category and by function. */
export function attribute(dump: string, map: string, requests: number): Attribution {
  const lookup = perfMap(map);
  const counted = costs(dump);
  const named = symbolize(counted.self, lookup);
  const byCategory = new Map<string, number>();
  let total = 0;
  for (const [name, cost] of named) {
    total += cost;
    const c = categoryOf(name);
    byCategory.set(c, (byCategory.get(c) ?? 0) + cost);
  }
  const js = [...symbolize(counted.inclusive, lookup)].filter(([name]) => name.startsWith("JS:"));
  const per = (entries: Iterable<[string, number]>) =>
    [...entries].map(([k, v]) => [k, Math.round(v / requests)] as const).sort((a, b) => b[1] - a[1]);
  return {
    perRequest: Math.round(total / requests),
    categories: per(byCategory),
    functions: per(named),
    inclusive: per(js),
  };
}

/** Rows of `a` against `b` (`a − b`, largest difference first): where `a` spends more. */
export function difference(
  a: readonly (readonly [string, number])[],
  b: readonly (readonly [string, number])[],
): [string, number, number, number][] {
  const other = new Map(b);
  const keys = new Set([...a.map(([k]) => k), ...other.keys()]);
  const mine = new Map(a);
  return [...keys]
    .map((k): [string, number, number, number] => {
      const x = mine.get(k) ?? 0;
      const y = other.get(k) ?? 0;
      return [k, x, y, x - y];
    })
    .sort((p, q) => q[3] - p[3]);
}
