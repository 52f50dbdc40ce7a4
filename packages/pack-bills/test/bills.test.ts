import { afterEach, describe, expect, it } from "vitest";
import { billsHost, rent } from "./helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(now: string, timezone = "UTC") {
  const h = await billsHost({ now, timezone });
  close = () => h.host.close();
  return h;
}

describe("bills routes", () => {
  it("should create a bill and list upcoming due dates computed from the anchor", async () => {
    const { call } = await setup("2026-01-15T12:00:00Z");
    const created = await call("POST", "/bills", rent);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      amount_minor: 150000,
      cadence: "monthly",
      tracked_from: "2026-01-15",
    });
    expect(created.body.next_due).toEqual({ nominal: "2026-01-31", due: "2026-01-31" });
    expect(created.headers.get("location")).toBe(`/bills/${created.body.id}`);
    const up = await call("GET", "/bills/upcoming?days=90");
    expect(up.status).toBe(200);
    expect(up.body.items.map((o: { due_date: string }) => o.due_date)).toEqual([
      "2026-01-31",
      "2026-02-28",
      "2026-03-31",
    ]);
    const limited = await call("GET", "/bills/upcoming?days=90&limit=1");
    expect(limited.body.items).toHaveLength(1);
  });

  it("should compute today in the configured time zone", async () => {
    // 03:00 UTC on Feb 1 is still Jan 31 in Chicago: the Jan 31 occurrence is due today there.
    const chicago = await setup("2026-02-01T03:00:00Z", "America/Chicago");
    await chicago.call("POST", "/bills", rent);
    const there = await chicago.call("GET", "/bills/upcoming?days=0");
    expect(there.body.as_of).toBe("2026-01-31");
    expect(there.body.items.map((o: { due_date: string }) => o.due_date)).toEqual(["2026-01-31"]);
    await chicago.host.close();
    const utc = await setup("2026-02-01T03:00:00Z", "UTC");
    await utc.call("POST", "/bills", rent);
    const here = await utc.call("GET", "/bills/upcoming?days=0");
    expect(here.body.as_of).toBe("2026-02-01");
    expect(here.body.items).toEqual([]);
  });

  it("should keep nominal and weekend-adjusted dates", async () => {
    const { call } = await setup("2025-05-01T12:00:00Z");
    const b = await call("POST", "/bills", {
      ...rent,
      anchor_date: "2025-05-31",
      day_of_month: "last",
      weekend_adjustment: "next_business_day",
    });
    expect(b.status).toBe(201);
    const up = await call("GET", "/bills/upcoming?days=40");
    expect(up.body.items[0]).toMatchObject({ nominal_date: "2025-05-31", due_date: "2025-06-02" });
  });

  it("should skip one occurrence and refuse a date that is not an occurrence", async () => {
    const { call } = await setup("2026-01-15T12:00:00Z");
    const b = (await call("POST", "/bills", rent)).body;
    const skipped = await call("POST", `/bills/${b.id}/skip`, { date: "2026-02-28" });
    expect(skipped.status).toBe(200);
    expect(skipped.body.skipped).toEqual(["2026-02-28"]);
    const up = await call("GET", "/bills/upcoming?days=90");
    expect(up.body.items.map((o: { due_date: string }) => o.due_date)).toEqual(["2026-01-31", "2026-03-31"]);
    const bad = await call("POST", `/bills/${b.id}/skip`, { date: "2026-02-27" });
    expect(bad.status).toBe(422);
    expect(bad.body.type).toMatch(/not-an-occurrence$/);
    expect(bad.body.errors[0].field).toBe("date");
  });

  it("should count a payment retried with the same client key once", async () => {
    const { call } = await setup("2026-02-20T12:00:00Z");
    const b = (await call("POST", "/bills", { ...rent, tracked_from: "2026-01-01" })).body;
    const pay = { amount: "1500.00", date: "2026-02-26", client_key: "bank-ref-77" };
    const first = await call("POST", `/bills/${b.id}/paid`, pay);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ occurrence: "2026-02-28", amount_minor: 150000, replayed: false });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await call("POST", `/bills/${b.id}/paid`, pay);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true });
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", `/bills/${b.id}/paid`, { ...pay, client_key: "k2" })),
    );
    expect(concurrent.every((r) => r.status === 201)).toBe(true);
    expect(concurrent.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    const list = await call("GET", `/bills/${b.id}/payments`);
    expect(list.body.items).toHaveLength(2);
    // The second key settled the nearest *open* occurrence, not the one already paid.
    expect(list.body.items.map((p: { occurrence: string }) => p.occurrence).sort()).toEqual([
      "2026-01-31",
      "2026-02-28",
    ]);
    const reused = await call("POST", `/bills/${b.id}/paid`, { ...pay, amount: "10.00" });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].field).toBe("client_key");
  });

  it("should list occurrences unpaid past the grace period as missed", async () => {
    const { call, setNow } = await setup("2026-01-01T12:00:00Z");
    const b = (await call("POST", "/bills", { ...rent, anchor_date: "2026-01-10", grace_days: 3 })).body;
    setNow("2026-01-13T12:00:00Z");
    expect((await call("GET", "/bills/missed")).body.items).toEqual([]);
    setNow("2026-01-14T12:00:00Z");
    const missed = await call("GET", "/bills/missed");
    expect(missed.status).toBe(200);
    expect(missed.body.items).toMatchObject([{ bill_id: b.id, due_date: "2026-01-10", days_overdue: 4 }]);
    await call("POST", `/bills/${b.id}/paid`, { amount: "1500", date: "2026-01-14", client_key: "late" });
    expect((await call("GET", "/bills/missed")).body.items).toEqual([]);
  });

  it("should create reminders once per bill, occurrence and lead time however often it runs", async () => {
    const { call, host } = await setup("2026-01-25T12:00:00Z");
    await call("POST", "/bills", rent);
    await call("POST", "/bills", {
      ...rent,
      name: "Gym",
      amount: "40",
      cadence: "weekly",
      anchor_date: "2026-01-26",
    });
    const first = await call("POST", "/bills/push_reminders?days_ahead=7");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2, existing: 0 });
    const again = await Promise.all([1, 2, 3].map(() => call("POST", "/bills/push_reminders?days_ahead=7")));
    for (const r of again) expect(r.body).toMatchObject({ created: 0, existing: 2 });
    const shorter = await call("POST", "/bills/push_reminders?days_ahead=6");
    expect(shorter.body.created).toBe(2);
    const { bills } = await import("../src/index.js");
    const ctx = host.registry.context("bills");
    expect(await bills.daily!(ctx)).toMatchObject({ reminders_created: 0, reminders_existing: 2 });
    await bills.jobs![0]!.run({ ...ctx, signal: new AbortController().signal, tickId: "t1" } as never);
    const listed = await call("GET", "/bills/reminders?since=2026-01-01");
    expect(listed.body.items).toHaveLength(4);
  });

  it("should give the seven-step autopay checklist and turn autopay on when all are done", async () => {
    const { call } = await setup("2026-01-15T12:00:00Z");
    const b = (await call("POST", "/bills", rent)).body;
    const list = await call("GET", `/bills/${b.id}/autopay_checklist`);
    expect(list.status).toBe(200);
    expect(list.body.steps).toHaveLength(7);
    expect(list.body.steps[4].text).toContain("2026-01-31");
    let last: { body: { complete: boolean; autopay: boolean } } | undefined;
    for (const s of list.body.steps)
      last = await call("POST", `/bills/${b.id}/autopay_checklist/${s.step}`, {});
    expect(last!.body).toMatchObject({ complete: true, autopay: true });
    const bad = await call("POST", `/bills/${b.id}/autopay_checklist/nope`, {});
    expect(bad.status).toBe(404);
  });

  it("should answer bad input with a 4xx problem naming the field", async () => {
    const { call } = await setup("2026-01-15T12:00:00Z");
    const cases: [unknown, number, string][] = [
      [{ ...rent, amount: "12.345" }, 400, "amount"],
      [{ ...rent, amount: "-5.00" }, 400, "amount"],
      [{ ...rent, amount: 12.5 }, 400, "amount"],
      [{ ...rent, currency: "XYZ" }, 400, "currency"],
      [{ ...rent, anchor_date: "2026-02-30" }, 400, "anchor_date"],
      [{ ...rent, cadence: "every_n_weeks" }, 400, "interval"],
      [{ ...rent, cadence: "twice_monthly" }, 400, "second_day_of_month"],
      [{ ...rent, day_of_month: 32 }, 400, "day_of_month"],
      [{ ...rent, surprise: 1 }, 400, "surprise"],
    ];
    for (const [body, status, field] of cases) {
      const res = await call("POST", "/bills", body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const b = (await call("POST", "/bills", rent)).body;
    const pay = await call("POST", `/bills/${b.id}/paid`, {
      amount: "0",
      date: "2026-01-31",
      client_key: "z",
    });
    expect(pay.status).toBe(400);
    expect(pay.body.errors[0].field).toBe("amount");
    const jpy = await call("POST", `/bills/${b.id}/paid`, {
      amount: "5",
      currency: "JPY",
      date: "2026-01-31",
      client_key: "z",
    });
    expect(jpy.status).toBe(422);
    expect(jpy.body.errors[0].field).toBe("currency");
    expect((await call("GET", "/bills/upcoming?days=abc")).body.errors[0].field).toBe("days");
    expect((await call("GET", "/bills/estimate?month=2026-13")).status).toBe(400);
    expect((await call("GET", "/bills/bill_missing")).status).toBe(404);
  });

  it("should estimate a month's bills for other packs, variable bills at the middle of their range", async () => {
    const { call } = await setup("2026-01-15T12:00:00Z");
    await call("POST", "/bills", rent);
    await call("POST", "/bills", {
      ...rent,
      name: "Power",
      amount: null,
      min_amount: "80",
      max_amount: "120",
      cadence: "twice_monthly",
      anchor_date: "2026-01-01",
      day_of_month: 1,
      second_day_of_month: 15,
    });
    const est = await call("GET", "/bills/estimate?month=2026-02");
    expect(est.body.by_currency.USD).toEqual({
      expected_minor: 150000 + 2 * 10000,
      min_minor: 150000 + 2 * 8000,
      max_minor: 150000 + 2 * 12000,
      count: 3,
    });
    const svc = (await import("../src/index.js")).billsService;
    expect(svc.toString()).toBe("serviceRef{bills.bills}");
  });
});
