import { addDays } from "@valhalla/runtime";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { billsHost, countingDriver, rent } from "./helpers.js";
import { refMissed, refOverdue, refUpcoming, scheduleArb, snapshot } from "./reference.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const START = "2026-01-15";
const at = (day: string) => `${day}T12:00:00Z`;

async function setup(now = START) {
  const counting = countingDriver();
  const h = await billsHost({ now: at(now), storage: counting.driver });
  close = () => h.host.close();
  return { ...h, counting };
}

type Op =
  | { kind: "create"; name: string; schedule: Record<string, unknown>; variable: boolean; tracked: number }
  | { kind: "patch"; pick: number; schedule: Record<string, unknown> }
  | { kind: "status"; pick: number; status: "active" | "paused" | "archived" }
  | { kind: "skip"; pick: number; nth: number }
  | { kind: "pay"; pick: number; offset: number; key: number }
  | { kind: "days"; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      name: fc.constantFrom("Gym", "Power", "Rent", "Water", "gas"),
      schedule: scheduleArb(START),
      variable: fc.boolean(),
      tracked: fc.integer({ min: -90, max: 10 }),
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
      status: fc.constantFrom("active" as const, "paused" as const, "archived" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("skip" as const), pick: fc.nat(), nth: fc.nat({ max: 6 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("pay" as const),
      pick: fc.nat(),
      offset: fc.integer({ min: -40, max: 40 }),
      key: fc.nat({ max: 5 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("days" as const), n: fc.integer({ min: 1, max: 40 }) }),
  },
);

describe("due-date index", () => {
  it("should answer upcoming, overdue and missed exactly like a full scan after any mix of writes and days passing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 14 }), async (ops) => {
        await close?.();
        const { call, setNow, counting } = await setup();
        let today = START;
        const ids: string[] = [];
        for (const op of ops) {
          const id = ids.length ? ids[(op as { pick?: number }).pick! % ids.length] : undefined;
          if (op.kind === "create") {
            const money = op.variable
              ? { amount: null, min_amount: "80", max_amount: "120.50" }
              : { amount: "42.10" };
            const res = await call("POST", "/bills", {
              ...rent,
              ...money,
              ...op.schedule,
              name: op.name,
              tracked_from: addDays(today, op.tracked),
            });
            expect(res.status, JSON.stringify(res.body)).toBe(201);
            ids.push(res.body.id);
          } else if (op.kind === "days") {
            today = addDays(today, op.n);
            setNow(at(today));
          } else if (!id) continue;
          else if (op.kind === "patch")
            expect((await call("PATCH", `/bills/${id}`, op.schedule)).status).toBe(200);
          else if (op.kind === "status")
            expect((await call("PATCH", `/bills/${id}`, { status: op.status })).status).toBe(200);
          else if (op.kind === "skip") {
            const b = (await call("GET", `/bills/${id}`)).body;
            const { occurrencesBetween } = await import("../src/index.js");
            const o = occurrencesBetween(b, addDays(today, -30), addDays(today, 90))[op.nth];
            if (o) expect((await call("POST", `/bills/${id}/skip`, { date: o.nominal })).status).toBe(200);
          } else {
            const res = await call("POST", `/bills/${id}/paid`, {
              amount: "42.10",
              date: addDays(today, op.offset),
              client_key: `k${op.key}`,
            });
            expect([200, 201, 409, 422]).toContain(res.status);
          }

          const snap = await snapshot(call);
          counting.reset();
          for (const [days, limit] of [
            [0, 50],
            [7, 3],
            [30, 50],
            [90, 5],
          ] as const) {
            const up = await call("GET", `/bills/upcoming?days=${days}&limit=${limit}`);
            expect(up.status).toBe(200);
            const want = refUpcoming(snap, today, days, limit);
            const got = up.body.items as { bill_id: string; nominal_date: string; due_date: string }[];
            const key = (i: { bill_id: string; nominal_date: string; due_date: string }) =>
              `${i.due_date} ${i.bill_id} ${i.nominal_date}`;
            expect(got.map((i) => i.due_date)).toEqual(want.items.map((i) => i.due_date));
            expect(up.body.has_more).toBe(want.has_more);
            // Before the page's last day the items are exact; a last day that overflows `limit`
            // holds some of that day's open occurrences (documented), each a real one.
            const last = got.at(-1)?.due_date;
            const all = new Set(refUpcoming(snap, today, days, 10_000).items.map(key));
            expect(got.filter((i) => i.due_date !== last).map(key)).toEqual(
              want.items.filter((i) => i.due_date !== last).map(key),
            );
            for (const i of got) expect(all.has(key(i))).toBe(true);
            if (!want.has_more) expect(got.map(key)).toEqual(want.items.map(key));
          }
          const missed = await call("GET", "/bills/missed?lookback_days=120");
          expect(missed.body.items).toMatchObject(refMissed(snap, today, 120));
          // Past due but within grace: found through the overdue flag and the slack, never a scan.
          const overdue = await call("GET", "/bills/overdue");
          expect(overdue.body.items).toMatchObject(refOverdue(snap, today));
          // Summaries read the bills' own `paid` lists: never the payments ledger.
          expect(counting.of("bills.payments").lists).toBe(0);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("should read only the bills due in the window, not every bill", async () => {
    const { call, counting } = await setup();
    // 40 bills due in the autumn, 3 due this week.
    for (let i = 0; i < 40; i++)
      await call("POST", "/bills", {
        ...rent,
        name: `Later ${i}`,
        cadence: "yearly",
        anchor_date: "2026-10-01",
      });
    for (const [name, day] of [
      ["Water", "2026-01-16"],
      ["Power", "2026-01-18"],
      ["Gym", "2026-01-18"],
    ])
      await call("POST", "/bills", { ...rent, name, anchor_date: day });
    counting.reset();
    const up = await call("GET", "/bills/upcoming?days=7");
    expect(up.status).toBe(200);
    expect(up.body.items.map((o: { name: string }) => o.name)).toEqual(["Water", "Gym", "Power"]);
    expect(up.body.has_more).toBe(false);
    expect(counting.of("bills.bills").rows).toBe(3);
    expect(counting.of("bills.payments").lists).toBe(0);
  });

  it("should cap upcoming at limit, say whether there is more, and keep same-day items by name", async () => {
    const { call } = await setup();
    for (const name of ["Echo", "Delta", "Charlie", "Bravo", "Alpha"])
      await call("POST", "/bills", { ...rent, name, anchor_date: "2026-01-20" });
    const all = await call("GET", "/bills/upcoming?days=10");
    expect(all.body.items.map((o: { name: string }) => o.name)).toEqual([
      "Alpha",
      "Bravo",
      "Charlie",
      "Delta",
      "Echo",
    ]);
    expect(all.body.has_more).toBe(false);
    const capped = await call("GET", "/bills/upcoming?days=10&limit=2");
    expect(capped.body.items).toHaveLength(2);
    expect(capped.body.has_more).toBe(true);
    // When one day overflows `limit`, its earliest-registered bills fill the page, still by name.
    const names = capped.body.items.map((o: { name: string }) => o.name);
    expect(names).toEqual([...names].sort());
    for (const n of names) expect(["Echo", "Delta", "Charlie"]).toContain(n);
    expect((await call("GET", "/bills/upcoming?days=10&limit=5")).body.has_more).toBe(false);
  });

  it("should roll due-date keys forward once a day, so a bill due yesterday shows its next occurrence", async () => {
    const { call, setNow, counting } = await setup("2026-01-30");
    const b = (await call("POST", "/bills", { ...rent, cadence: "weekly", anchor_date: "2026-01-30" })).body;
    expect(b.next_open_due).toBe("2026-01-30");
    setNow(at("2026-02-02"));
    const up = await call("GET", "/bills/upcoming?days=7");
    expect(up.body.items.map((o: { due_date: string }) => o.due_date)).toEqual(["2026-02-06"]);
    const view = (await call("GET", `/bills/${b.id}`)).body;
    expect(view.next_open_due).toBe("2026-02-06");
    expect(view.next_due).toEqual({ nominal: "2026-02-06", due: "2026-02-06" });
    // The unpaid Jan 30 occurrence is still owed: it turns up as missed after the grace period.
    expect((await call("GET", "/bills/missed")).body.items).toEqual([]);
    setNow(at("2026-02-03"));
    expect((await call("GET", "/bills/missed")).body.items).toMatchObject([
      { bill_id: b.id, due_date: "2026-01-30" },
    ]);
    counting.reset();
    await call("GET", "/bills/upcoming?days=8");
    await call("GET", "/bills/upcoming?days=9");
    expect(counting.of("bills.bills").lists).toBeLessThan(25);
  });

  it("should pay ahead without losing the next open occurrence", async () => {
    const { call } = await setup();
    const b = (await call("POST", "/bills", { ...rent, tracked_from: "2026-01-01" })).body;
    expect(
      (await call("POST", `/bills/${b.id}/paid`, { amount: "1500", date: "2026-01-30", client_key: "jan" }))
        .status,
    ).toBe(201);
    expect(
      (await call("POST", `/bills/${b.id}/paid`, { amount: "1500", date: "2026-02-27", client_key: "feb" }))
        .status,
    ).toBe(201);
    const up = await call("GET", "/bills/upcoming?days=90");
    expect(up.body.items.map((o: { due_date: string }) => o.due_date)).toEqual(["2026-03-31"]);
    const view = (await call("GET", `/bills/${b.id}`)).body;
    expect(view.paid).toEqual(["2026-01-31", "2026-02-28"]);
    expect(view.next_due).toEqual({ nominal: "2026-03-31", due: "2026-03-31" });
  });
});

describe("due-date index under two configs", () => {
  it("should re-key at most once a day per replica when replicas disagree on the grace period", async () => {
    const counting = countingDriver();
    const a = await billsHost({ now: at("2026-12-03"), storage: counting.driver, config: { grace_days: 3 } });
    const b = await billsHost({
      now: at("2026-12-03"),
      storage: counting.driver,
      config: { grace_days: 10 },
    });
    close = async () => {
      await a.host.close();
      await b.host.close();
    };
    for (let i = 0; i < 30; i++)
      await a.call("POST", "/bills", { ...rent, name: `Later ${i}`, anchor_date: "2027-06-01" });
    const late = (
      await a.call("POST", "/bills", { ...rent, anchor_date: "2026-11-25", tracked_from: "2026-11-01" })
    ).body;
    const read = async (h: typeof a) => {
      // Any write bumps the summary generation, so each read below is computed, not cached.
      await h.call("PATCH", `/bills/${late.id}`, { notes: String(Math.random()) });
      return (await h.call("GET", "/bills/overdue")).body.items.map((i: { bill_id: string }) => i.bill_id);
    };
    // Each replica re-keys once when it first finds the other's config: b here, then a.
    expect(await read(a)).toEqual([]);
    expect(await read(b)).toEqual([late.id]);
    counting.reset();
    expect(await read(a)).toEqual([]);
    expect(counting.of("bills.bills").rows).toBeGreaterThanOrEqual(31);
    counting.reset();
    for (let round = 0; round < 3; round++) {
      expect(await read(a)).toEqual([]);
      expect(await read(b)).toEqual([late.id]);
    }
    // A re-key reads all 31 bills; six reads stay well under one.
    expect(counting.of("bills.bills").rows).toBeLessThan(31);
  });
});
