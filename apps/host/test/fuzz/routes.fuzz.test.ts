import type { CollectionDef } from "@valhalla/runtime";
import fc from "fast-check";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { json, keyFor, testHost, tmpSqlite } from "../fixtures/hosts.js";
import { evilString, evilValue, fromSchema, mutate, type Rng, rngOf } from "./generators.js";

// H1: seeded schema fuzzer over every registry route, driven by fast-check: a failure shrinks to a
// minimal request and prints the seed and path to replay it.
const SEED = Number(process.env.VALHALLA_FUZZ_SEED ?? 0x5eed);
const RUNS = Number(process.env.VALHALLA_FUZZ_RUNS ?? 10_000);

type Schema = Record<string, unknown>;
interface Target {
  method: string;
  path: string;
  body?: Schema;
  query: { name: string; schema: Schema; required: boolean }[];
}

// Anything that smells of internals: stack frames, source paths, driver tables, storage keys.
const LEAK =
  /\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|\/work\/|\/home\/|node_modules|v_records|v_index|SQLITE_|_valhalla\.|Error: /;

const WHOLE_STORE = new Set([
  "/brief",
  "/ops/daily",
  "/readiness",
  "/boot/seed_minimum",
  "/registry/validate",
  "/jobs/{pack}/{name}/run",
]);

describe("fuzz: routes", () => {
  let host: Host;
  let db: ReturnType<typeof tmpSqlite>;
  let admin: string;
  let reader: string;
  let nsKeys: string[];
  const stats = { sent: 0, byStatus: new Map<number, number>() };
  const failures: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    db = tmpSqlite();
    // Bad credentials are part of the corpus: a lockout would hide the routes behind 429s.
    host = await testHost({
      storage: db.url,
      rateLimit: false,
      timeoutMs: 10_000,
      auth: { failures: { limit: 1_000_000 } },
    });
    admin = await keyFor(host, "admin");
    reader = await keyFor(host, "testboard:read");
    nsKeys = host.registry.packs.flatMap((p) => Object.keys(p.storage ?? {}).map((ns) => `${p.code}.${ns}`));
  });
  afterAll(async () => {
    await host?.close();
    db?.cleanup();
  });

  const targets = async (): Promise<Target[]> => {
    const doc = (await json(await host.fetch(authed("GET", "/openapi.json")))) as {
      paths: Record<string, Record<string, { parameters?: Schema[]; requestBody?: Schema }>>;
    };
    const out: Target[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      // The fixture's deliberately slow route would only make batches wait (timeouts have their own
      // test); the host's whole-store loops (brief, daily ops, readiness, seed, job runs) take no
      // input worth fuzzing beyond their ids and would turn 10,000 requests into minutes.
      if (path === "/testboard/slow" || WHOLE_STORE.has(path)) continue;
      for (const [method, op] of Object.entries(ops)) {
        const params = (op.parameters ?? []) as {
          name: string;
          in: string;
          schema: Schema;
          required?: boolean;
        }[];
        const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
          ?.content?.["application/json"]?.schema;
        out.push({
          method: method.toUpperCase(),
          path: path.replace(/\{([^}]+)\}/g, ":$1"),
          ...(body ? { body } : {}),
          query: params.filter((p) => p.in === "query").map((p) => ({ ...p, required: !!p.required })),
        });
      }
    }
    // The host's own routes that take input.
    out.push(
      {
        method: "POST",
        path: "/share_tokens",
        body: {
          type: "object",
          required: ["scope"],
          properties: {
            scope: { enum: ["jv_board", "nope"] },
            subject: { type: "string" },
            expires_at: { type: "string", format: "date-time" },
            note: { type: "string" },
          },
        },
        query: [],
      },
      { method: "DELETE", path: "/share_tokens/:id", query: [] },
      { method: "GET", path: "/registry", query: [] },
    );
    return out;
  };

  const authed = (method: string, path: string) =>
    new Request(`http://valhalla.test${path}`, { method, headers: { authorization: `Bearer ${admin}` } });

  const segment = (r: Rng): string => {
    const roll = r.next();
    if (roll < 0.3 && ids.length) return r.pick(ids);
    if (roll < 0.45) return `${r.pick(["asset", "item", "shr", "x"])}_01JZZZZZZZZZZZZZZZZZZZZZZZ`;
    const s = evilString(r);
    if (r.chance(0.3)) return s.slice(0, 2000); // raw: `?`, `/`, `..`, `\` and `%2F` reach the URL parser as-is
    try {
      return encodeURIComponent(s.slice(0, 5000));
    } catch {
      return "%ED%A0%80x"; // a lone surrogate has no UTF-8; send the bytes it would have
    }
  };

  const build = (t: Target, r: Rng): Request | null => {
    const path = t.path.replace(/:[A-Za-z0-9_]+/g, () => segment(r));
    const qs = new URLSearchParams();
    for (const q of t.query) {
      if (q.required || r.chance(0.4))
        qs.append(
          q.name,
          r.chance(0.7) ? String(fromSchema(q.schema, r) ?? "") : String(evilValue(r)).slice(0, 300),
        );
    }
    if (r.chance(0.1)) qs.append(evilString(r).slice(0, 30) || "zz", evilString(r).slice(0, 30));
    if (r.chance(0.05) && t.query[0]) qs.append(t.query[0].name, "2");
    const headers: Record<string, string> = {};
    const auth = r.next();
    if (auth < 0.88) headers.authorization = `Bearer ${admin}`;
    else if (auth < 0.92) headers.authorization = `Bearer ${reader}`;
    else if (auth < 0.96)
      headers.authorization = r.pick(["Bearer", "Bearer vk_key_x_y", "Basic YTpi", "Bearer \u00ff"]);
    let body: string | undefined;
    if (t.body || r.chance(0.1)) {
      const valid = fromSchema(t.body, r);
      const value = r.chance(0.35) ? valid : mutate(valid, r);
      const raw = r.next();
      if (raw < 0.8) body = JSON.stringify(value);
      else if (raw < 0.85) body = JSON.stringify(value).slice(0, -1);
      else if (raw < 0.9) body = '{"name":"a","name":"b","__proto__":{"x":1}}';
      else if (raw < 0.93) body = `{"a":"${"\u0001\u0000"}"}`;
      else if (raw < 0.96) body = `{"s":"${"z".repeat(r.pick([2_000, 2_000_000]))}"}`;
      else body = `${"[".repeat(r.int(30, 2000))}`;
      headers["content-type"] = r.chance(0.9)
        ? "application/json"
        : r.pick(["text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", ""]);
      if (headers["content-type"] === "") delete headers["content-type"];
    }
    if (t.method === "POST" && r.chance(0.1))
      headers["idempotency-key"] = r.chance(0.7) ? `k${r.int(0, 50)}` : evilString(r).slice(0, 300);
    if ((t.method === "PATCH" || t.method === "DELETE") && r.chance(0.2))
      headers["if-match"] = r.pick(['"1"', '"999999999999999999"', 'W/"2"', "*", "abc"]);
    try {
      const q = qs.toString();
      return new Request(`http://valhalla.test${path}${q ? `?${q}` : ""}`, {
        method: t.method,
        headers,
        ...(body !== undefined && t.method !== "GET" ? { body } : {}),
      });
    } catch {
      return null; // the URL or a header cannot even be built by a client
    }
  };

  /** What is wrong with one answer (empty when nothing is). */
  const check = async (request: Request, res: Response): Promise<string[]> => {
    const failures: string[] = [];
    const label = `${request.method} ${request.url.slice(0, 160)} → ${res.status}`;
    const text = await res.text();
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) failures.push(`5xx: ${label} ${text.slice(0, 200)}`);
    if (!res.headers.get("x-request-id")) failures.push(`no x-request-id: ${label}`);
    if (LEAK.test(text) || nsKeys.some((k) => text.includes(`'${k}'`)))
      failures.push(`leak: ${label} ${text.slice(0, 300)}`);
    if (res.status >= 400) {
      if (res.headers.get("content-type") !== "application/problem+json")
        failures.push(`not a problem: ${label}`);
      try {
        const p = JSON.parse(text) as { status?: unknown; type?: unknown };
        if (p.status !== res.status || typeof p.type !== "string")
          failures.push(`problem status mismatch: ${label}`);
      } catch {
        failures.push(`problem not JSON: ${label}`);
      }
    } else if (res.status === 201 && request.method === "POST") {
      try {
        const id = (JSON.parse(text) as { id?: unknown }).id;
        if (typeof id === "string" && ids.length < 200) ids.push(id);
      } catch {}
    }
    return failures;
  };

  it(`should answer ${RUNS} hostile requests without a 5xx, a leak or a non-problem error`, async () => {
    const all = await targets();
    expect(all.length).toBeGreaterThan(10);
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), fc.gen(), async (target, g) => {
        const req = build(target, rngOf(g));
        if (!req) return; // a request no client could even build
        stats.sent++;
        const problems = await check(req, await host.fetch(req.clone()));
        expect(problems).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `fuzz seed=${SEED} requests=${stats.sent} in ${seconds}s statuses=${JSON.stringify(Object.fromEntries([...stats.byStatus].sort()))}`,
    );
    // The corpus must reach handlers, not only bounce off auth and validation.
    expect((stats.byStatus.get(200) ?? 0) + (stats.byStatus.get(201) ?? 0)).toBeGreaterThan(RUNS / 20);
  }, 240_000);

  it("should leave the store consistent: every record reads back and validates", async () => {
    let records = 0;
    for (const pack of host.registry.packs) {
      const ctx = host.registry.context(pack.code);
      for (const [ns, def] of Object.entries((pack.storage ?? {}) as Record<string, CollectionDef>)) {
        const col = ctx.storage[ns] as {
          iterate(): AsyncIterable<Record<string, unknown>>;
          get(id: string): Promise<unknown>;
        };
        for await (const rec of col.iterate()) {
          records++;
          const parsed = v.safeParse(def.schema, rec);
          if (!parsed.success) failures.push(`invalid record ${pack.code}.${ns}/${String(rec.id)}`);
          expect(await col.get(String(rec.id))).toEqual(rec);
        }
      }
    }
    expect(records).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  }, 60_000);
});
