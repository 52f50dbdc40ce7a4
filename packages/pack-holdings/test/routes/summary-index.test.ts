import { createDriver, type Host } from "@valhalla/host";
import {
  bindCollection,
  type CollectionDef,
  convertMinor,
  type Driver,
  daysBetween,
  memory,
} from "@valhalla/runtime";
import { isolatedStores, type RecordingDriver, recordingDriver } from "@valhalla/runtime/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type Asset, cloneSums, emptySums, foldSummary } from "../../src/index.js";
import { storage } from "../../src/storage.js";
import { call, holdingsHost, storedHolding } from "../helpers.js";

/** Listings of holdings not through the `valued_on` index (a read of every holding). */
const scans = (w: RecordingDriver) =>
  w.listings("holdings.assets").filter((l) => !l.query.where || !("valued_on" in l.query.where));

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const CONFIG = { base_currency: "USD", fx_rates: { EUR: "1.1", GBP: "1.27" }, stale_after_days: 30 };
const TODAY = "2026-06-15";

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, any>;

/** Every holding through the public listing. */
async function allHoldings(host: Host): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(host, "GET", `/holdings?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

/** The summary worked out here, from the holdings themselves: what the stored sums must agree with. */
function expectedSummary(rows: Row[], today: string) {
  const active = rows.filter((r) => r.active);
  type G = { count: number; value: Record<string, number>; liab: Record<string, number> };
  const add = (g: G, r: Row) => {
    g.count++;
    if (r.valuation)
      g.value[r.valuation.currency] = (g.value[r.valuation.currency] ?? 0) + r.valuation.amount_minor;
    for (const [c, m] of Object.entries(r.liabilities as Record<string, number>))
      g.liab[c] = (g.liab[c] ?? 0) + m;
  };
  const toUsd = (m: number, c: string) =>
    c === "USD" ? m : convertMinor(m, c, "USD", CONFIG.fx_rates[c as "EUR"]);
  const out = (g: G) => {
    let value = 0;
    let debt = 0;
    for (const [c, m] of Object.entries(g.value)) value += toUsd(m, c);
    for (const [c, m] of Object.entries(g.liab)) debt += toUsd(m, c);
    return { count: g.count, value_minor: value, liabilities_minor: debt, equity_minor: value - debt };
  };
  const group = (key: (r: Row) => string) => {
    const gs: Record<string, G> = {};
    for (const r of active) add((gs[key(r)] ??= { count: 0, value: {}, liab: {} }), r);
    return Object.fromEntries(Object.entries(gs).map(([k, g]) => [k, out(g)]));
  };
  const totals: G = { count: 0, value: {}, liab: {} };
  for (const r of active) add(totals, r);
  const stale = active
    .map((r) => ({
      id: r.id as string,
      label: r.label as string,
      as_of: (r.valuation?.as_of ?? null) as string | null,
      age_days: r.valuation ? daysBetween(r.valuation.as_of, today) : null,
    }))
    .filter((s) => s.age_days === null || s.age_days > CONFIG.stale_after_days)
    .sort((p, q) =>
      p.age_days === q.age_days
        ? p.id < q.id
          ? -1
          : 1
        : p.age_days === null
          ? -1
          : q.age_days === null
            ? 1
            : q.age_days - p.age_days,
    );
  return {
    totals: out(totals),
    by_type: group((r) => r.type),
    by_jurisdiction: group((r) => r.jurisdiction ?? "unspecified"),
    by_entity: group((r) => r.entity_id ?? r.entity_name ?? "unspecified"),
    by_currency: group((r) => r.valuation?.currency ?? r.currency),
    stale: stale.slice(0, 100),
    stale_total: stale.length,
  };
}

async function expectExact(host: Host, today = TODAY) {
  const res = await call(host, "GET", "/holdings/summary");
  expect(res.status).toBe(200);
  const { totals, by_type, by_jurisdiction, by_entity, by_currency, stale, stale_total } = res.body;
  expect({ totals, by_type, by_jurisdiction, by_entity, by_currency, stale, stale_total }).toEqual(
    expectedSummary(await allHoldings(host), today),
  );
}

const TYPES = ["property", "cash", "vault", "trust"];
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
const day = (r: () => number) =>
  `2026-${String(1 + Math.floor(r() * 6)).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;

/** Random holding writes of every kind through the API. */
async function randomWrites(host: Host, seed: number, n: number) {
  const r = rng(seed);
  const ids: string[] = (await allHoldings(host)).map((h) => h.id);
  const liabs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const op = ids.length < 5 ? 0 : Math.floor(r() * 7);
    const id = ids.length ? pick(r, ids) : "";
    let res: Awaited<ReturnType<typeof call>>;
    if (op === 0) {
      res = await call(host, "POST", "/holdings", {
        type: pick(r, TYPES),
        label: `H${seed}-${i}`,
        currency: pick(r, ["USD", "EUR"]),
        jurisdiction: pick(r, ["US-TX", "PT", undefined]),
        entity_id: pick(r, ["llc-1", "llc-2", undefined]),
        ...(r() < 0.1 ? { active: false } : {}),
      });
      if (res.status === 201) ids.push(res.body.id);
    } else if (op === 1) {
      res = await call(host, "PATCH", `/holdings/${id}`, {
        ...pick(r, [
          { type: pick(r, TYPES) },
          { label: "renamed" },
          { jurisdiction: null },
          { entity_id: "llc-3" },
        ]),
        ...(r() < 0.15 ? { active: true } : {}),
      });
    } else if (op === 2 || op === 3) {
      res = await call(host, "POST", `/holdings/${id}/valuations`, {
        amount: `${Math.floor(r() * 900_000)}.${String(Math.floor(r() * 100)).padStart(2, "0")}`,
        currency: pick(r, ["USD", "EUR", "GBP"]),
        as_of: day(r),
        source: "appraisal",
      });
    } else if (op === 4) {
      res = await call(host, "POST", `/holdings/${id}/liabilities`, {
        kind: "loan",
        lender: "Bank",
        balance: `${Math.floor(r() * 100_000)}.00`,
        currency: pick(r, ["USD", "EUR"]),
        as_of: day(r),
      });
      if (res.status === 201) liabs.push([id, res.body.id]);
    } else if (op === 5 && liabs.length) {
      const [asset, liab] = pick(r, liabs);
      res = await call(host, "POST", `/holdings/${asset}/liabilities/${liab}/balances`, {
        balance: `${Math.floor(r() * 50_000)}.00`,
        as_of: day(r),
      });
    } else {
      res = await call(host, "POST", `/holdings/${id}/archive`);
    }
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }
}

describe.each(isolatedStores())("holdings summary sums ($name)", (store) => {
  async function open() {
    const { url, cleanup } = store.make();
    const inner = await createDriver(url);
    await inner.init();
    cleanups.push(async () => {
      await inner.close();
      await cleanup();
    });
    // Hosts close the driver they were given; the store outlives each "process" here.
    return recordingDriver(inner, { keepOpen: true });
  }
  async function host(driver: Driver, now = `${TODAY}T12:00:00Z`) {
    let clock = new Date(now);
    const h = await holdingsHost({ storage: driver, now: () => clock, config: { holdings: CONFIG } });
    cleanups.push(() => h.close());
    return Object.assign(h, { setNow: (iso: string) => (clock = new Date(iso)) });
  }

  it.skipIf(store.skip)(
    "should match a recount after random writes, on this host, a restarted one and another replica, without reading every holding",
    async () => {
      const w = await open();
      const a = await host(w);
      const b = await host(w);
      await randomWrites(a, 1, 60);
      w.reset();
      await call(a, "GET", "/holdings/summary");
      expect(scans(w)).toEqual([]);
      await expectExact(a);
      // B wrote nothing and kept nothing: it reads what A's writes stored.
      await expectExact(b);
      await randomWrites(b, 2, 40);
      await expectExact(a);
      const c = await host(w);
      await expectExact(c);
      // Whether a holding is stale depends on the day, not on a write.
      c.setNow("2026-09-01T12:00:00Z");
      await expectExact(c, "2026-09-01");
    },
  );

  it.skipIf(store.skip)(
    "should keep exact sums under concurrent writes from two replicas, one update per batch",
    async () => {
      const w = await open();
      const [a, b] = [await host(w), await host(w)];
      w.reset();
      const made = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call(i % 2 ? a : b, "POST", "/holdings", {
            type: TYPES[i % 4],
            label: `C${i}`,
            currency: "USD",
            entity_id: `llc-${i % 3}`,
          }),
        ),
      );
      expect(made.map((m) => m.status)).toEqual(made.map(() => 201));
      // Each replica folds the writes that finished while its update was on its way into the next.
      expect(w.writes("holdings.sums")).toBeLessThan(40);
      await Promise.all(
        made.map((m, i) =>
          call(i % 2 ? b : a, "POST", `/holdings/${m.body.id}/valuations`, {
            amount: `${i}.50`,
            currency: i % 3 ? "USD" : "EUR",
            as_of: `2026-0${1 + (i % 6)}-1${i % 10}`,
            source: "x",
          }),
        ),
      );
      await expectExact(a);
      await expectExact(b);
    },
  );

  it.skipIf(store.skip)(
    "should repair, in its daily check, the difference a killed writer left out",
    async () => {
      const w = await open();
      const a = await host(w);
      await randomWrites(a, 3, 20);
      // A holding written as a process killed after the holding write and before its difference would be.
      const assets = bindCollection(w, "holdings.assets", storage.assets as unknown as CollectionDef);
      await assets.create(
        storedHolding({
          label: "orphan",
          valuation: {
            amount_minor: 12_345,
            currency: "USD",
            as_of: "2026-06-01",
            source: "x",
            confidence: "medium",
            valuation_id: "val_x",
          },
          valued_on: "2026-06-01",
        }),
      );
      const before = (await call(a, "GET", "/holdings/summary")).body.totals.count;
      expect(before).toBe((await allHoldings(a)).filter((h) => h.active).length - 1);
      const run = await a.scheduler.trigger("holdings", "summary-check");
      if (!run.ok) throw new Error(run.reason);
      const record = await run.done;
      expect(record?.outcome).toBe("success");
      await expectExact(a);
    },
  );

  it.skipIf(store.skip)(
    "should build the sums of a store written before them, once, and drop the old cache",
    async () => {
      const w = await open();
      const assets = bindCollection(w, "holdings.assets", storage.assets as unknown as CollectionDef);
      const meta = bindCollection(w, "holdings.meta", storage.meta as unknown as CollectionDef);
      for (let i = 0; i < 12; i++)
        await assets.create(
          storedHolding({
            type: TYPES[i % 4] as Asset["type"],
            label: `old ${i}`,
            jurisdiction: i % 3 ? "PT" : null,
            currency: "EUR",
            active: i % 5 !== 4,
            valuation:
              i % 4 === 0
                ? null
                : {
                    amount_minor: 1000 * i,
                    currency: "EUR",
                    as_of: `2026-0${1 + (i % 6)}-10`,
                    source: "x",
                    confidence: "low",
                    valuation_id: `val_${i}`,
                  },
            ...(i % 6 === 0 ? { liabilities: { EUR: 300 } } : {}),
          }),
        );
      await meta.create({ gen: 7, data: null, day: "", computed_at: "" }, { id: "gen" });
      const a = await host(w);
      expect(await meta.get("gen")).toBeNull();
      w.reset();
      await call(a, "GET", "/holdings/summary");
      expect(scans(w)).toEqual([]);
      await expectExact(a);
    },
  );
});

describe("cloneSums", () => {
  it("should give a copy a fold can change without touching the original", () => {
    const holding = (over: Partial<Asset>) =>
      storedHolding({
        jurisdiction: "PT",
        entity_id: "e1",
        currency: "EUR",
        valuation: {
          amount_minor: 500,
          currency: "EUR",
          as_of: "2026-01-02",
          source: "x",
          confidence: "low",
          valuation_id: "v",
        },
        liabilities: { EUR: 100 },
        ...over,
      });
    const original = foldSummary(emptySums(), holding({}), 1);
    const frozen = JSON.stringify(original);
    const copy = foldSummary(cloneSums(original), holding({ liabilities: { EUR: 50, USD: 7 } }), 1);
    foldSummary(copy, holding({}), -1);
    expect(JSON.stringify(original)).toBe(frozen);
    expect(copy.totals).toEqual({
      count: 1,
      value: { EUR: { minor: 500, n: 1 } },
      liabilities: { EUR: { minor: 50, n: 1 }, USD: { minor: 7, n: 1 } },
    });
    expect(copy.valued).toEqual({ "2026-01-02": 1 });
  });
});

describe("holdings summary", () => {
  it("should list the 100 stalest holdings in order and count the rest", async () => {
    const driver = memory();
    const h = await holdingsHost({
      storage: driver,
      now: () => new Date(`${TODAY}T12:00:00Z`),
      config: { holdings: CONFIG },
    });
    for (let i = 0; i < 130; i++) {
      const { body } = await call(h, "POST", "/holdings", { type: "cash", label: `C${i}`, currency: "USD" });
      if (i % 3)
        await call(h, "POST", `/holdings/${body.id}/valuations`, {
          amount: "1.00",
          currency: "USD",
          as_of: `2026-0${1 + (i % 6)}-0${1 + (i % 9)}`,
          source: "x",
        });
    }
    const { body } = await call(h, "GET", "/holdings/summary");
    const want = expectedSummary(await allHoldings(h), TODAY);
    expect(body.stale).toHaveLength(100);
    expect(body.stale).toEqual(want.stale);
    expect(body.stale_total).toBe(want.stale_total);
    expect(body.stale_total).toBeGreaterThan(100);
    const brief = await call(h, "GET", "/brief");
    expect(JSON.stringify(brief.body)).toContain(`"value":${want.stale_total}`);
    await h.close();
  });
});
