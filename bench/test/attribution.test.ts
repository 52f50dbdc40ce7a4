import { execFile } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { attribute, categoryOf, costs, difference, perfMap, symbolize } from "../lib/attribution.js";
import { callgrindMissing } from "../lib/instructions.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// A callgrind dump in the shape valgrind writes (compressed names, relative positions, call costs).
const DUMP = `# callgrind format
version: 1
events: Ir
fn=(1) main
0 100
+2 50
cfn=(2) 0x0000000000001010
calls=3 0
0 5000
fn=(2)
0 700
-1 300
cfn=(3) Builtins_StringAdd_CheckNone
calls=1 0
* 400
fn=(3)
0 400
fn=(4) 0x0000000000009000
0 20
totals: 5970
`;
const MAP = `1000 40 JS:*handle file:///work/main/apps/host/dist/index.js:3302:14
2000 10 JS:*dispatch file:///work/main/node_modules/hono/dist/hono-base.js:261:11
3000 10 JS:*write /work/main/node_modules/pino/lib/proto.js:206:16
`;

describe("instruction attribution", () => {
  it("should count each instruction once in the function that executed it, and in its callers' inclusive cost", () => {
    const { self, inclusive } = costs(DUMP);
    expect(Object.fromEntries(self)).toEqual({
      main: 150,
      "0x0000000000001010": 1000,
      Builtins_StringAdd_CheckNone: 400,
      "0x0000000000009000": 20,
    });
    // Together they are the dump's total, less the call costs (which are the callees' own).
    expect([...self.values()].reduce((a, b) => a + b)).toBe(1570);
    expect(Object.fromEntries(inclusive)).toEqual({
      main: 5150,
      "0x0000000000001010": 1400,
      Builtins_StringAdd_CheckNone: 400,
      "0x0000000000009000": 20,
    });
  });

  it("should name JIT code through V8's perf map, and only code inside a mapped range", () => {
    const lookup = perfMap(MAP);
    expect(lookup(0x1000n)).toBe("JS:*handle file:///work/main/apps/host/dist/index.js:3302:14");
    expect(lookup(0x103fn)).toBe("JS:*handle file:///work/main/apps/host/dist/index.js:3302:14");
    expect(lookup(0x1040n)).toBeUndefined();
    expect(lookup(0x2005n)).toBe("JS:*dispatch file:///work/main/node_modules/hono/dist/hono-base.js:261:11");
    expect(lookup(0x500n)).toBeUndefined();
    expect(Object.fromEntries(symbolize(costs(DUMP).self, lookup))).toEqual({
      main: 150,
      "JS:*handle apps/host/dist/index.js:3302:14": 1000,
      Builtins_StringAdd_CheckNone: 400,
      "(JIT code, unnamed)": 20,
    });
    // CommonJS code is named by path, not URL: cut the same way.
    expect([...symbolize(new Map([["0x0000000000003004", 7]]), lookup).keys()]).toEqual([
      "JS:*write pino/lib/proto.js:206:16",
    ]);
  });

  it("should group functions by who owns the code", () => {
    expect(
      [
        "JS:*handle apps/host/dist/index.js:3302:14",
        "JS:*get packages/runtime/dist/chunk-J2ZMJ5M4.js:763:12",
        "JS:*handler packages/pack-holdings/dist/index.js:825:12",
        "JS:*#dispatch hono/dist/hono-base.js:261:11",
        "JS:*responseViaCache @hono/node-server/dist/index.mjs:441:24",
        "JS:*processHeader node:_http_outgoing:546:23",
        "JS:*write pino/lib/proto.js:206:16",
        "RegExp:^[A-Za-z0-9]+$",
        "Builtins_JsonStringify",
        "v8::internal::JsonParser<unsigned char>::ParseJson()",
        "llhttp__internal_execute",
        "__memcpy_avx_unaligned_erms",
        "(JIT code, unnamed)",
      ].map(categoryOf),
    ).toEqual([
      "host",
      "runtime",
      "packs",
      "hono",
      "@hono/node-server",
      "Node (JS)",
      "other JS (pino)",
      "regular expressions",
      "V8 builtins",
      "V8 runtime (C++)",
      "Node (C++)",
      "libc and other",
      "(JIT code, unnamed)",
    ]);
  });

  it("should give per-request figures by owner and function, and where one server spends more", () => {
    const a = attribute(DUMP, MAP, 10);
    expect(a.perRequest).toBe(157);
    expect(a.categories).toEqual([
      ["host", 100],
      ["V8 builtins", 40],
      ["libc and other", 15],
      ["(JIT code, unnamed)", 2],
    ]);
    expect(a.functions[0]).toEqual(["JS:*handle apps/host/dist/index.js:3302:14", 100]);
    // Only JS functions, with what they called: the builtin's 400 is in the handler's 140.
    expect(a.inclusive).toEqual([["JS:*handle apps/host/dist/index.js:3302:14", 140]]);
    expect(
      difference(
        [
          ["host", 100],
          ["V8 builtins", 40],
        ],
        [
          ["V8 builtins", 50],
          ["hono", 30],
        ],
      ),
    ).toEqual([
      ["host", 100, 0, 100],
      ["V8 builtins", 40, 50, -10],
      ["hono", 0, 30, -30],
    ]);
  });
});

describe("BENCH_PROFILE=instructions npm run bench:profile", () => {
  it.skipIf(callgrindMissing())(
    "should count a server's requests under callgrind and name where they went",
    async () => {
      const stdout = await profileHonoHealthz({});
      const total =
        /^hono healthz on memory:: (\d+) instructions per request \(50 counted after 200\)$/m.exec(stdout);
      expect(total, stdout).not.toBeNull();
      const owners = section(stdout, "by owner:");
      // Hono's and Node's own JS are named through the perf map, not left as JIT addresses.
      for (const owner of ["hono", "@hono/node-server", "Node (JS)", "V8 builtins"])
        expect(
          owners.some((l) => l.endsWith(`  ${owner}`)),
          owner,
        ).toBe(true);
      const sum = owners.reduce((s, l) => s + Number(l.trim().split(/\s+/)[0]), 0);
      expect(Math.abs(sum - Number(total![1]))).toBeLessThanOrEqual(owners.length); // rounding only
      expect(section(stdout, "JS functions with what they called (inclusive), top 30:").join("\n")).toMatch(
        /JS:\S* @hono\/node-server\/dist\/index\.mjs:\d+:\d+/,
      );
    },
    120_000,
  );

  it.skipIf(callgrindMissing())(
    "should set two servers side by side with BENCH_COMPARE, each row's difference being theirs",
    async () => {
      const stdout = await profileHonoHealthz({ BENCH_COMPARE: "hono-featured" });
      expect(stdout).toMatch(/^hono-featured healthz on memory:: \d+ instructions per request$/m);
      const [head, ...rows] = section(stdout, "by owner, per request:");
      // Columns as wide as the longer name, so the header lines up with the figures.
      expect(head).toBe(`${"hono".padStart(14)}${"hono-featured".padStart(14)}${"diff".padStart(14)}`);
      const parsed = rows.map((l) => {
        const [a, b, diff, ...owner] = l.trim().split(/\s+/);
        return { owner: owner.join(" "), a: Number(a), b: Number(b), diff: Number(diff) };
      });
      for (const r of parsed) expect(r.diff, r.owner).toBe(r.a - r.b);
      expect(parsed.map((r) => r.diff)).toEqual([...parsed.map((r) => r.diff)].sort((x, y) => y - x));
      // The Hono app that also does the host's work runs code bare Hono never does (its metrics).
      expect(parsed.find((r) => r.owner === "other JS (prom-client)")).toMatchObject({ a: 0 });
      expect(parsed.find((r) => r.owner === "other JS (prom-client)")!.b).toBeGreaterThan(0);
    },
    120_000,
  );
});

/**
 * `bench/profile.ts healthz` in instructions mode for bare Hono (plus `env`), 200 warm-up and 50
 * counted requests: its output, once the report file is checked and its folder removed.
 */
async function profileHonoHealthz(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "--conditions=@valhalla/source", "bench/profile.ts", "healthz", "memory:"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        BENCH_PROFILE: "instructions",
        BENCH_SERVER: "hono",
        BENCH_INSTRUCTION_WARMUP: "200",
        BENCH_INSTRUCTION_REQUESTS: "50",
        ...env,
      },
    },
  );
  const folder = /^report and callgrind dumps: (\S+)/m.exec(stdout)![1]!;
  expect(readdirSync(folder)).toContain("instructions.txt");
  rmSync(folder, { recursive: true, force: true });
  return stdout;
}

/** The lines under `title`, up to the next blank line. */
function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const at = lines.indexOf(title);
  if (at < 0) throw new Error(`no section '${title}' in:\n${text}`);
  const end = lines.indexOf("", at);
  return lines.slice(at + 1, end < 0 ? undefined : end);
}
