import { addDays } from "@valhalla/runtime";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { billsHost, countingDriver, rent } from "./helpers.js";
import { refEstimate, scheduleArb, snapshot } from "./reference.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const START = "2026-01-15";
type Op =
  | { kind: "create"; schedule: Record<string, unknown>; eur: boolean; variable: boolean }
  | { kind: "patch"; pick: number; schedule: Record<string, unknown> }
  | { kind: "status"; pick: number; status: "active" | "paused" }
  | { kind: "skip"; pick: number; nth: number }
  | { kind: "stale"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      schedule: scheduleArb(START),
      eur: fc.boolean(),
      variable: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("patch" as const),
      pick: fc.nat(),
      schedule: scheduleArb(START),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("status" as const),
      pick: fc.nat(),
      status: fc.constantFrom("active" as const, "paused" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("skip" as const), pick: fc.nat(), nth: fc.nat({ max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stale" as const), pick: fc.nat() }) },
);

const MONTHS = ["2026-01", "2026-02", "2026-03"];

describe("monthly estimate", () => {
  it("should match a full recomputation after any mix of creates, patches, skips and pauses", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 12 }), async (ops) => {
        await close?.();
        const { host, call } = await billsHost({ now: `${START}T12:00:00Z` });
        close = () => host.close();
        const ids: string[] = [];
        // Read first, so every later write is applied to a built month, not a fresh build.
        for (const m of MONTHS) await call("GET", `/bills/estimate?month=${m}&limit=3`);
        for (const op of ops) {
          const id = ids.length ? ids[(op as { pick?: number }).pick! % ids.length] : undefined;
          if (op.kind === "create") {
            const money = op.variable ? { amount: null, min_amount: "10", max_amount: "31.01" } : {};
            const res = await call("POST", "/bills", {
              ...rent,
              ...money,
              ...op.schedule,
              currency: op.eur ? "EUR" : "USD",
            });
            expect(res.status, JSON.stringify(res.body)).toBe(201);
            ids.push(res.body.id);
          } else if (!id) continue;
          else if (op.kind === "patch")
            expect((await call("PATCH", `/bills/${id}`, op.schedule)).status).toBe(200);
          else if (op.kind === "status")
            expect((await call("PATCH", `/bills/${id}`, { status: op.status })).status).toBe(200);
          else if (op.kind === "stale") {
            // A write refused with 412 changes nothing.
            expect((await call("PATCH", `/bills/${id}`, { name: "X" }, { "if-match": '"999"' })).status).toBe(
              412,
            );
          } else {
            const b = (await call("GET", `/bills/${id}`)).body;
            const { occurrencesBetween } = await import("../src/index.js");
            const o = occurrencesBetween(b, "2026-01-01", addDays("2026-01-01", 90))[op.nth];
            if (o) expect((await call("POST", `/bills/${id}/skip`, { date: o.nominal })).status).toBe(200);
          }
          const snap = await snapshot(call);
          for (const m of MONTHS)
            for (const limit of [3, 100]) {
              const est = await call("GET", `/bills/estimate?month=${m}&limit=${limit}`);
              expect(est.status).toBe(200);
              expect(est.body).toEqual(refEstimate(snap, m, limit));
            }
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("should bring a built month forward on a write instead of reading every bill again", async () => {
    const counting = countingDriver();
    const { host, call } = await billsHost({ now: `${START}T12:00:00Z`, storage: counting.driver });
    close = () => host.close();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await call("POST", "/bills", { ...rent, name: `B${i}` })).body.id);
    expect((await call("GET", "/bills/estimate?month=2026-02")).body.by_currency.USD.count).toBe(20);
    counting.reset();
    await call("PATCH", `/bills/${ids[0]}`, { amount: "1000.00" });
    await call("POST", `/bills/${ids[1]}/skip`, { date: "2026-02-28" });
    await call("PATCH", `/bills/${ids[2]}`, { status: "paused" });
    await call("POST", "/bills", { ...rent, name: "New", currency: "EUR" });
    const est = await call("GET", "/bills/estimate?month=2026-02");
    expect(est.body.by_currency).toEqual({
      USD: {
        expected_minor: 17 * 150000 + 100000,
        min_minor: 17 * 150000 + 100000,
        max_minor: 17 * 150000 + 100000,
        count: 18,
      },
      EUR: { expected_minor: 150000, min_minor: 150000, max_minor: 150000, count: 1 },
    });
    expect(est.body.items_total).toBe(19);
    expect(counting.of("bills.bills").lists).toBe(0);
  });

  it("should see a write made by another replica over the same store", async () => {
    const counting = countingDriver();
    const a = await billsHost({ now: `${START}T12:00:00Z`, storage: counting.driver });
    // The other replica is another process: fresh copies of every module, so the estimate months
    // the pack keeps in memory are not shared with `a`, and `b` learns of `a`'s writes only from
    // the store.
    vi.resetModules();
    const fresh = (await import("./helpers.js")) as typeof import("./helpers.js");
    const b = await fresh.billsHost({ now: `${START}T12:00:00Z`, storage: counting.driver });
    close = async () => {
      await a.host.close();
      await b.host.close();
    };
    await a.call("POST", "/bills", rent);
    expect((await b.call("GET", "/bills/estimate?month=2026-02")).body.items_total).toBe(1);
    await a.call("POST", "/bills", { ...rent, name: "Water", amount: "30.00" });
    const est = (await b.call("GET", "/bills/estimate?month=2026-02")).body;
    expect(est.items_total).toBe(2);
    expect(est.by_currency.USD.expected_minor).toBe(153000);
  });

  it("should cap items at limit while the totals cover every bill", async () => {
    const { host, call } = await billsHost({ now: `${START}T12:00:00Z` });
    close = () => host.close();
    for (let i = 0; i < 7; i++)
      await call("POST", "/bills", { ...rent, name: `B${i}`, anchor_date: `2026-02-0${i + 1}` });
    const est = (await call("GET", "/bills/estimate?month=2026-02&limit=2")).body;
    expect(est.items.map((i: { due_date: string }) => i.due_date)).toEqual(["2026-02-01", "2026-02-02"]);
    expect(est).toMatchObject({ items_total: 7, by_currency: { USD: { count: 7 } } });
  });
});
