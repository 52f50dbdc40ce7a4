import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Driver, type Lease, memory, postgres, redis, sqlite } from "@valhalla/runtime";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedPostgres, isolatedRedis, postgresStore, redisStore } from "../services.js";

/** The model: what a correct store holds for one run (its own namespace and lock keys). */
interface Model {
  records: Map<string, { rev: number; value: string; kind: string }>;
  leases: Map<string, Lease>;
  lastFence: Map<string, number>;
  counters: Map<string, number>;
}
interface Real {
  driver: Driver;
  ns: string;
  /** Every lease ever granted in this run, so commands can replay stale ones. */
  granted: Lease[];
}
type Cmd = fc.AsyncCommand<Model, Real>;

const IDS = ["a", "b", "c", "d"];
const KINDS = ["x", "y"];

const recordText = (id: string, rev: number, kind: string, n: number) => JSON.stringify({ id, rev, kind, n });

class Write implements Cmd {
  constructor(
    readonly id: string,
    readonly kind: string,
    readonly n: number,
    readonly rev: "current" | "zero" | "stale",
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const cur = m.records.get(this.id)?.rev ?? 0;
    const expectRev = this.rev === "current" ? cur : this.rev === "zero" ? 0 : cur + 1;
    const next = expectRev + 1;
    const value = recordText(this.id, next, this.kind, this.n);
    const res = await r.driver.write(r.ns, {
      record: { id: this.id, rev: next, value },
      index: { kind: `s:${this.kind}` },
      expectRev,
    });
    if (expectRev === cur) {
      expect(res).toEqual({ ok: true });
      m.records.set(this.id, { rev: next, value, kind: this.kind });
    } else {
      expect(res).toEqual({ ok: false, reason: "conflict", currentRev: cur });
    }
  }
  toString = () => `write(${this.id}, ${this.kind}, ${this.rev})`;
}

class Remove implements Cmd {
  constructor(
    readonly id: string,
    readonly withRev: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const cur = m.records.get(this.id)?.rev ?? 0;
    const res = await r.driver.remove(r.ns, this.id, this.withRev && cur > 0 ? cur : undefined);
    expect(res).toEqual({ ok: true, removed: cur > 0 });
    m.records.delete(this.id);
  }
  toString = () => `remove(${this.id}, ${this.withRev})`;
}

class Read implements Cmd {
  constructor(
    readonly kind: string | null,
    readonly order: "asc" | "desc",
    readonly limit: number,
    readonly after: string | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const rows = [...m.records.entries()]
      .filter(([id, rec]) => (this.kind === null || rec.kind === this.kind) && this.afterOk(id))
      .sort(([a], [b]) => (a < b ? -1 : 1) * (this.order === "asc" ? 1 : -1));
    const where = this.kind === null ? {} : { where: { kind: `s:${this.kind}` } };
    const got = await r.driver.list(r.ns, {
      ...where,
      limit: this.limit,
      order: this.order,
      ...(this.after ? { after: this.after } : {}),
    });
    expect(got).toEqual(
      rows.slice(0, this.limit).map(([id, rec]) => ({ id, rev: rec.rev, value: rec.value })),
    );
    const count = rows.length + 0;
    if (!this.after) expect(await r.driver.count(r.ns, where.where)).toBe(count);
    for (const id of IDS) {
      const rec = m.records.get(id);
      expect(await r.driver.get(r.ns, id)).toEqual(rec ? { id, rev: rec.rev, value: rec.value } : null);
    }
  }
  afterOk(id: string) {
    if (!this.after) return true;
    return this.order === "asc" ? id > this.after : id < this.after;
  }
  toString = () => `read(${this.kind}, ${this.order}, ${this.limit}, ${this.after})`;
}

class Acquire implements Cmd {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const lease = await r.driver.acquire(`${r.ns}:${this.key}`, 60_000);
    if (m.leases.has(this.key)) {
      expect(lease).toBeNull();
      return;
    }
    expect(lease).not.toBeNull();
    expect(lease!.fence).toBeGreaterThan(m.lastFence.get(this.key) ?? 0);
    m.lastFence.set(this.key, lease!.fence);
    m.leases.set(this.key, lease!);
    r.granted.push(lease!);
  }
  toString = () => `acquire(${this.key})`;
}

class Release implements Cmd {
  constructor(
    readonly key: string,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const mine = r.granted.filter((l) => l.key === `${r.ns}:${this.key}`);
    if (mine.length === 0) return;
    const lease = mine[this.pick % mine.length]!;
    const holds = m.leases.get(this.key)?.token === lease.token;
    expect(await r.driver.release(lease)).toBe(holds);
    // A write guarded by the lease is accepted only while it was held.
    if (holds) m.leases.delete(this.key);
    const res = await r.driver.write(r.ns, {
      record: { id: "guarded", rev: 1, value: "{}" },
      index: {},
      expectRev: -1,
      guard: lease,
    });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toBe("fenced");
  }
  toString = () => `release(${this.key}, ${this.pick})`;
}

class Incr implements Cmd {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const n = (m.counters.get(this.key) ?? 0) + 1;
    m.counters.set(this.key, n);
    expect((await r.driver.incr(`${r.ns}:${this.key}`, 60_000)).count).toBe(n);
  }
  toString = () => `incr(${this.key})`;
}

const commands = fc.commands(
  [
    fc
      .tuple(
        fc.constantFrom(...IDS),
        fc.constantFrom(...KINDS),
        fc.nat(9),
        fc.constantFrom("current", "zero", "stale"),
      )
      .map(([id, kind, n, rev]) => new Write(id, kind, n, rev as "current" | "zero" | "stale")),
    fc.tuple(fc.constantFrom(...IDS), fc.boolean()).map(([id, withRev]) => new Remove(id, withRev)),
    fc
      .tuple(
        fc.constantFrom(null, ...KINDS),
        fc.constantFrom("asc" as const, "desc" as const),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(null, ...IDS),
      )
      .map(([kind, order, limit, after]) => new Read(kind, order, limit, after)),
    fc.constantFrom("k1", "k2").map((k) => new Acquire(k)),
    fc.tuple(fc.constantFrom("k1", "k2"), fc.nat(5)).map(([k, p]) => new Release(k, p)),
    fc.constantFrom("c1", "c2").map((k) => new Incr(k)),
  ],
  // size "max": sequences spread over the whole 0–50 range instead of fast-check's short default.
  { maxCommands: 50, size: "max" },
);

interface Target {
  name: string;
  runs: number;
  skip?: string | false;
  open(): Promise<{ driver: Driver; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  { name: "memory", runs: 200, open: async () => ({ driver: memory(), cleanup: async () => {} }) },
  {
    name: "sqlite",
    runs: 200,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "valhalla-model-"));
      return {
        driver: sqlite({ path: join(dir, "m.db") }),
        cleanup: async () => rmSync(dir, { recursive: true }),
      };
    },
  },
  {
    name: "redis",
    runs: 200,
    skip: redisStore.skip && "VALHALLA_TEST_REDIS_URL is not set",
    open: async () => {
      const { url, prefix, cleanup } = isolatedRedis();
      return { driver: redis({ url, prefix }), cleanup };
    },
  },
  {
    name: "postgres",
    runs: 100,
    skip: postgresStore.skip && "VALHALLA_TEST_POSTGRES_URL is not set",
    open: async () => {
      const { url, schema, cleanup } = isolatedPostgres();
      return { driver: postgres({ url, schema }), cleanup };
    },
  },
];

for (const target of targets) {
  describe.skipIf(!!target.skip)(`storage model (${target.name})`, () => {
    let opened: Awaited<ReturnType<Target["open"]>>;
    beforeAll(async () => {
      opened = await target.open();
      await opened.driver.init();
    });
    afterAll(async () => {
      await opened.driver.close();
      await opened.cleanup();
    });

    it(`should agree with the in-memory model over ${target.runs} runs of up to 50 commands`, async () => {
      let run = 0;
      let executed = 0;
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(commands, async (cmds) => {
          executed += [...cmds].length;
          // Each run gets its own namespace and lock keys on the shared store: a fresh, empty world.
          const ns = `model.r${run++}`;
          const model: Model = {
            records: new Map(),
            leases: new Map(),
            lastFence: new Map(),
            counters: new Map(),
          };
          await fc.asyncModelRun(() => ({ model, real: { driver: opened.driver, ns, granted: [] } }), cmds);
        }),
        { numRuns: target.runs },
      );
      console.info(
        `[L3 ${target.name}] ${run} runs, ${executed} commands, ${Date.now() - started} ms, 0 divergences`,
      );
      expect(run).toBe(target.runs);
      expect(executed).toBeGreaterThan(target.runs * 10);
    }, 120_000);
  });
}
