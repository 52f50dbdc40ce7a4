import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { BillResponse, BillsPage, PaidResponse } from "../src/responses.js";
import { billsHost, rent } from "./helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(now: string, config?: Record<string, unknown>) {
  const h = await billsHost({ now, ...(config ? { config } : {}) });
  close = () => h.host.close();
  return h;
}

const monthlyRent = { ...rent, anchor_date: "2026-01-01", tracked_from: "2026-11-01" };
const power = {
  ...rent,
  name: "Power",
  amount: null,
  min_amount: "80",
  max_amount: "120",
  anchor_date: "2026-12-10",
};
type Item = { due_date: string; status: string; [k: string]: unknown };

describe("POST /bills/:id/paid", () => {
  it("should keep a partly paid occurrence open until its payments reach the amount", async () => {
    const { call } = await setup("2026-12-20T12:00:00Z");
    const b = (await call("POST", "/bills", monthlyRent)).body;
    const part = await call("POST", `/bills/${b.id}/paid`, {
      amount: "700.00",
      date: "2026-12-28",
      client_key: "jan-1",
    });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ occurrence: "2027-01-01", amount_minor: 70000, replayed: false });
    expect(part.body.occurrence_status).toMatchObject({
      status: "partly_paid",
      paid_minor: 70000,
      remaining_minor: 80000,
      overpaid_minor: 0,
    });
    expect(v.safeParse(PaidResponse, part.body).success).toBe(true);

    // Still open: upcoming, the due-date key, the bill's next due date and the estimate keep it.
    const up = await call("GET", "/bills/upcoming?days=14");
    expect(up.body.items).toMatchObject([
      { due_date: "2027-01-01", status: "partly_paid", paid_minor: 70000, remaining_minor: 80000 },
    ]);
    const bill = (await call("GET", `/bills/${b.id}`)).body;
    expect(bill).toMatchObject({
      paid: [],
      paid_by_occurrence: { "2027-01-01": 70000 },
      next_open_due: "2027-01-01",
    });
    expect(bill.next_due).toEqual({ nominal: "2027-01-01", due: "2027-01-01" });
    expect(v.safeParse(BillResponse, bill).success).toBe(true);
    expect(v.safeParse(BillsPage, (await call("GET", "/bills")).body).success).toBe(true);
    const est = (await call("GET", "/bills/estimate?month=2027-01")).body;
    expect(est.by_currency.USD).toMatchObject({ expected_minor: 150000, count: 1 });

    // The next payment goes to the same, nearest open occurrence and settles it.
    const rest = await call("POST", `/bills/${b.id}/paid`, {
      amount: "800.00",
      date: "2026-12-30",
      client_key: "jan-2",
    });
    expect(rest.body).toMatchObject({ occurrence: "2027-01-01" });
    expect(rest.body.occurrence_status).toMatchObject({
      status: "paid",
      paid_minor: 150000,
      remaining_minor: 0,
    });
    expect((await call("GET", "/bills/upcoming?days=14")).body.items).toEqual([]);
    expect((await call("GET", `/bills/${b.id}`)).body).toMatchObject({
      paid: ["2027-01-01"],
      next_open_due: "2027-02-01",
    });
  });

  it("should let a later payment finish a partly paid occurrence before paying the nearest one", async () => {
    const { call } = await setup("2026-12-20T12:00:00Z");
    const b = (await call("POST", "/bills", monthlyRent)).body;
    const pay = (amount: string, key: string, occurrence?: string) =>
      call("POST", `/bills/${b.id}/paid`, { amount, date: "2026-12-20", client_key: key, occurrence });
    expect((await pay("1500", "nov", "2026-11-01")).body.occurrence).toBe("2026-11-01");
    expect((await pay("700", "dec-1", "2026-12-01")).body.occurrence_status.status).toBe("partly_paid");
    // 2027-01-01 is nearer to 12-20, but December still has 800.00 to go.
    const rest = await pay("800", "dec-2");
    expect(rest.body).toMatchObject({ occurrence: "2026-12-01", occurrence_status: { status: "paid" } });
    expect((await pay("1500", "jan")).body.occurrence).toBe("2027-01-01");
  });

  it("should report a partly paid occurrence past its grace period as missed with what remains", async () => {
    const { call, setNow } = await setup("2026-12-02T12:00:00Z");
    const b = (await call("POST", "/bills", monthlyRent)).body;
    await call("POST", `/bills/${b.id}/paid`, {
      amount: "700",
      date: "2026-12-02",
      occurrence: "2026-12-01",
      client_key: "dec",
    });
    setNow("2026-12-10T12:00:00Z");
    const missed = (await call("GET", "/bills/missed")).body.items;
    expect(missed.map((i: Item) => [i.due_date, i.status, i.remaining_minor])).toEqual([
      ["2026-11-01", "missed", 150000],
      ["2026-12-01", "partly_paid", 80000],
    ]);
  });

  it("should show an overpayment and pay the occurrence named in the body", async () => {
    const { call } = await setup("2026-12-20T12:00:00Z");
    const b = (await call("POST", "/bills", monthlyRent)).body;
    const over = await call("POST", `/bills/${b.id}/paid`, {
      amount: "1600.00",
      date: "2026-12-20",
      occurrence: "2026-11-01",
      client_key: "nov",
    });
    expect(over.status).toBe(201);
    expect(over.body).toMatchObject({ occurrence: "2026-11-01", due_date: "2026-11-01" });
    expect(over.body.occurrence_status).toMatchObject({
      status: "paid",
      paid_minor: 160000,
      overpaid_minor: 10000,
      label: "Rent due 2026-11-01: paid, 1,600.00 USD paid (100.00 USD over)",
    });
    // The same key for another occurrence is another payment, not a retry.
    const reused = await call("POST", `/bills/${b.id}/paid`, {
      amount: "1600.00",
      date: "2026-12-20",
      occurrence: "2026-12-01",
      client_key: "nov",
    });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].field).toBe("client_key");
    expect(reused.body.detail).toContain("(2026-12-20, 1,600.00 USD)");
  });

  it("should refuse an occurrence that is not one, or skipped, naming the field", async () => {
    const { call } = await setup("2026-12-20T12:00:00Z");
    const b = (await call("POST", "/bills", monthlyRent)).body;
    await call("POST", `/bills/${b.id}/skip`, { date: "2027-01-01" });
    const pay = (occurrence: unknown) =>
      call("POST", `/bills/${b.id}/paid`, { amount: "10", date: "2026-12-20", occurrence, client_key: "x" });
    const notOne = await pay("2026-12-02");
    expect(notOne.status).toBe(422);
    expect(notOne.body.type).toMatch(/not-an-occurrence$/);
    expect(notOne.body.errors[0]).toMatchObject({
      field: "occurrence",
      message: "is not a nominal due date",
    });
    const skipped = await pay("2027-01-01");
    expect(skipped.status).toBe(422);
    expect(skipped.body.errors[0]).toMatchObject({ field: "occurrence", message: "is a skipped occurrence" });
    const malformed = await pay("2026-13-01");
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/problem+json");
    expect(malformed.body.errors[0].field).toBe("occurrence");
  });

  it("should count a variable bill paid at its minimum unless the config or the bill says expected", async () => {
    const pay = async (cfg: Record<string, unknown> | undefined, bill: Record<string, unknown>) => {
      const { call, host } = await setup("2026-12-05T12:00:00Z", cfg);
      const b = (await call("POST", "/bills", bill)).body;
      expect(b.id, JSON.stringify(b)).toBeDefined();
      const res = await call("POST", `/bills/${b.id}/paid`, {
        amount: "85",
        date: "2026-12-10",
        client_key: "p",
      });
      await host.close();
      close = undefined;
      return { id: b.id as string, status: res.body.occurrence_status };
    };
    expect((await pay(undefined, power)).status).toMatchObject({ status: "paid", amount_due_minor: 8000 });
    expect((await pay({ variable_paid_at: "expected" }, power)).status).toMatchObject({
      status: "partly_paid",
      amount_due_minor: 10000,
      remaining_minor: 1500,
    });
    expect((await pay(undefined, { ...power, variable_paid_at: "expected" })).status).toMatchObject({
      status: "partly_paid",
      remaining_minor: 1500,
    });
    expect(
      (await pay({ variable_paid_at: "expected" }, { ...power, variable_paid_at: "min" })).status,
    ).toMatchObject({ status: "paid" });
  });

  it("should re-decide recorded payments when the amount or the paid rule changes", async () => {
    const { call } = await setup("2026-12-05T12:00:00Z");
    const p = (await call("POST", "/bills", { ...power, variable_paid_at: "expected" })).body;
    await call("POST", `/bills/${p.id}/paid`, { amount: "85", date: "2026-12-10", client_key: "p" });
    const occ = async (id: string, on: string) =>
      (await call("GET", `/bills/${id}/occurrences?from=${on}&to=${on}`)).body.items[0];
    expect((await occ(p.id, "2026-12-10")).status).toBe("partly_paid");
    expect((await call("PATCH", `/bills/${p.id}`, { variable_paid_at: "min" })).status).toBe(200);
    expect(await occ(p.id, "2026-12-10")).toMatchObject({ status: "paid", overpaid_minor: 0 });
    expect((await call("GET", "/bills/upcoming?days=10")).body.items).toEqual([]);

    const r = (await call("POST", "/bills", { ...rent, anchor_date: "2026-12-31" })).body;
    await call("POST", `/bills/${r.id}/paid`, { amount: "1500", date: "2026-12-30", client_key: "r" });
    expect((await occ(r.id, "2026-12-31")).status).toBe("paid");
    // A rent increase applies to every occurrence, like schedule changes: 100.00 is now missing.
    await call("PATCH", `/bills/${r.id}`, { amount: "1600.00" });
    expect(await occ(r.id, "2026-12-31")).toMatchObject({ status: "partly_paid", remaining_minor: 10000 });

    const bad = await call("PATCH", `/bills/${p.id}`, { variable_paid_at: "max" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("variable_paid_at");
    const badCreate = await call("POST", "/bills", { ...power, variable_paid_at: 1 });
    expect(badCreate.status).toBe(400);
    expect(badCreate.body.errors[0].field).toBe("variable_paid_at");
  });
});
