import { memory } from "@valhalla/runtime";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { OccurrencesResponse, OverdueResponse } from "../../src/responses.js";
import { billsHost, rent } from "../helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(now: string, options: { timezone?: string; config?: Record<string, unknown> } = {}) {
  const h = await billsHost({ now, ...options });
  close = () => h.host.close();
  return h;
}

/** Rent of issue #17: due on the 1st, 3 days' grace, tracked since November. */
const rentOnThe1st = { ...rent, anchor_date: "2026-01-01", grace_days: 3, tracked_from: "2026-11-01" };

type Item = { due_date: string; status: string; bill_id: string; [k: string]: unknown };
const brief = async (call: Awaited<ReturnType<typeof setup>>["call"]) => {
  const res = await call("GET", "/brief");
  expect(res.status).toBe(200);
  return res.body.sections.find((s: { pack: string }) => s.pack === "bills");
};

describe("GET /bills/overdue", () => {
  it("should list an unpaid occurrence during its grace period, then hand it to missed", async () => {
    // 2026-12-03 09:00 in Chicago: rent due 12-01 is two days late, grace runs through 12-04.
    const { call, setNow } = await setup("2026-12-03T15:00:00Z", { timezone: "America/Chicago" });
    const b = (await call("POST", "/bills", rentOnThe1st)).body;

    const res = await call("GET", "/bills/overdue");
    expect(res.status).toBe(200);
    expect(res.body.as_of).toBe("2026-12-03");
    expect(res.body.items).toMatchObject([
      {
        bill_id: b.id,
        due_date: "2026-12-01",
        status: "overdue",
        days_overdue: 2,
        grace_days: 3,
        grace_until: "2026-12-04",
        paid_minor: 0,
        remaining_minor: 150000,
      },
    ]);
    expect(v.safeParse(OverdueResponse, res.body).success).toBe(true);
    // Neither upcoming (from today on) nor missed (past grace) holds it: overdue is where it shows.
    expect((await call("GET", "/bills/upcoming?days=20")).body.items).toEqual([]);
    expect((await call("GET", "/bills/missed")).body.items).toMatchObject([{ due_date: "2026-11-01" }]);

    // 03:00 UTC on 12-05 is still 12-04 in Chicago: the last day of grace.
    setNow("2026-12-05T03:00:00Z");
    expect((await call("GET", "/bills/overdue")).body.items).toMatchObject([{ due_date: "2026-12-01" }]);
    setNow("2026-12-05T15:00:00Z");
    expect((await call("GET", "/bills/overdue")).body.items).toEqual([]);
    const missed = await call("GET", "/bills/missed");
    expect(missed.body.items.map((i: Item) => [i.due_date, i.status])).toEqual([
      ["2026-11-01", "missed"],
      ["2026-12-01", "missed"],
    ]);
    // The overdue flag cleared once the grace period was over.
    expect((await call("GET", `/bills/${b.id}`)).body.overdue).toBe(false);
  });

  it("should show overdue occurrences first in the brief, amounts formatted", async () => {
    const { call } = await setup("2026-12-03T15:00:00Z", { timezone: "America/Chicago" });
    const b = (await call("POST", "/bills", rentOnThe1st)).body;
    await call("POST", "/bills", { ...rent, name: "Gym", amount: "40", anchor_date: "2026-12-06" });
    const section = await brief(call);
    expect(section.ok).toBe(true);
    expect(section.items[0]).toEqual({
      label: "Rent overdue since 2026-12-01 (grace until 2026-12-04) — 1,500.00 USD",
      value: 150000,
      href: `/bills/${b.id}/occurrences?from=2026-12-01&to=2026-12-01`,
    });
    expect(section.items[1].label).toBe("Gym due 2026-12-06 — 40.00 USD");
    expect(section.items.at(-1)).toMatchObject({ label: "Missed", value: 1 });
    expect(section.data.overdue).toMatchObject([{ bill_id: b.id, status: "overdue" }]);
    for (const i of section.items) expect(i.label).not.toMatch(/minor/);
  });

  it("should keep a partly paid occurrence overdue, showing what remains", async () => {
    const { call } = await setup("2026-12-03T15:00:00Z");
    const b = (await call("POST", "/bills", rentOnThe1st)).body;
    const paid = await call("POST", `/bills/${b.id}/paid`, {
      amount: "700.00",
      date: "2026-12-03",
      client_key: "dec-part-1",
    });
    expect(paid.status).toBe(201);
    const items = (await call("GET", "/bills/overdue")).body.items;
    expect(items).toMatchObject([
      { due_date: "2026-12-01", status: "partly_paid", paid_minor: 70000, remaining_minor: 80000 },
    ]);
    expect((await brief(call)).items[0].label).toBe(
      "Rent overdue since 2026-12-01 (grace until 2026-12-04) — 800.00 USD of 1,500.00 USD left",
    );
  });

  it("should re-key every bill when the configured grace period changes", async () => {
    const driver = memory();
    const first = await billsHost({ now: "2026-12-06T12:00:00Z", storage: driver });
    const b = (await first.call("POST", "/bills", { ...rentOnThe1st, grace_days: null })).body;
    expect((await first.call("GET", "/bills/overdue")).body.items).toEqual([]);
    await first.host.close();
    const again = await billsHost({
      now: "2026-12-06T12:00:00Z",
      storage: driver,
      config: { grace_days: 10 },
    });
    close = () => again.host.close();
    expect((await again.call("GET", "/bills/overdue")).body.items).toMatchObject([
      { bill_id: b.id, due_date: "2026-12-01", grace_days: 10, grace_until: "2026-12-11" },
    ]);
  });
});

describe("GET /bills/:id/occurrences", () => {
  it("should give every occurrence of a period one status", async () => {
    const { call } = await setup("2026-12-03T12:00:00Z");
    const b = (await call("POST", "/bills", { ...rentOnThe1st, tracked_from: "2026-09-01" })).body;
    const pay = (amount: string, occurrence: string, key: string) =>
      call("POST", `/bills/${b.id}/paid`, { amount, date: "2026-12-03", occurrence, client_key: key });
    expect((await pay("1500.00", "2026-09-01", "sep")).status).toBe(201);
    expect((await pay("1600.00", "2026-10-01", "oct")).status).toBe(201);
    expect((await pay("700.00", "2027-01-01", "jan")).status).toBe(201);
    expect((await call("POST", `/bills/${b.id}/skip`, { date: "2027-02-01" })).status).toBe(200);
    await call("POST", "/bills", { ...rent, name: "Other", anchor_date: "2026-12-03" });

    const res = await call("GET", `/bills/${b.id}/occurrences?from=2026-08-01&to=2027-03-31`);
    expect(res.status).toBe(200);
    expect(v.safeParse(OccurrencesResponse, res.body).success).toBe(true);
    expect(res.body).toMatchObject({ bill_id: b.id, as_of: "2026-12-03", grace_days: 3 });
    expect(res.body.items.map((i: Item) => [i.due_date, i.status, i.tracked])).toEqual([
      ["2026-08-01", "missed", false],
      ["2026-09-01", "paid", true],
      ["2026-10-01", "paid", true],
      ["2026-11-01", "missed", true],
      ["2026-12-01", "overdue", true],
      ["2027-01-01", "partly_paid", true],
      ["2027-02-01", "skipped", true],
      ["2027-03-01", "upcoming", true],
    ]);
    const byDue = Object.fromEntries(res.body.items.map((i: Item) => [i.due_date, i]));
    expect(byDue["2026-10-01"]).toMatchObject({
      paid_minor: 160000,
      remaining_minor: 0,
      overpaid_minor: 10000,
      label: "Rent due 2026-10-01: paid, 1,600.00 USD paid (100.00 USD over)",
    });
    expect(byDue["2027-01-01"]).toMatchObject({
      timing: "upcoming",
      paid_minor: 70000,
      remaining_minor: 80000,
      label: "Rent due 2027-01-01: partly paid, 700.00 USD of 1,500.00 USD paid, 800.00 USD left",
    });
    expect(byDue["2026-12-01"]).toMatchObject({
      timing: "overdue",
      grace_until: "2026-12-04",
      days_until: -2,
    });

    const only = await call("GET", `/bills/${b.id}/occurrences?from=2026-08-01&to=2027-03-31&status=paid`);
    expect(only.body.items.map((i: Item) => i.due_date)).toEqual(["2026-09-01", "2026-10-01"]);
  });

  it("should list past occurrences of a bill registered today, and mark due today as due", async () => {
    const { call } = await setup("2026-12-01T12:00:00Z");
    const b = (await call("POST", "/bills", { ...rent, anchor_date: "2026-01-01" })).body;
    expect(b.tracked_from).toBe("2026-12-01");
    const res = await call("GET", `/bills/${b.id}/occurrences`);
    expect(res.body).toMatchObject({ from: "2026-09-02", to: "2027-03-01" });
    expect(res.body.items.map((i: Item) => [i.due_date, i.status, i.tracked])).toEqual([
      ["2026-10-01", "missed", false],
      ["2026-11-01", "missed", false],
      ["2026-12-01", "due", true],
      ["2027-01-01", "upcoming", true],
      ["2027-02-01", "upcoming", true],
      ["2027-03-01", "upcoming", true],
    ]);
    const early = await call("GET", `/bills/${b.id}/occurrences?from=2026-01-01&to=2026-03-31`);
    expect(early.body.items.map((i: Item) => i.due_date)).toEqual(["2026-01-01", "2026-02-01", "2026-03-01"]);
  });

  it("should answer a bad period with a 400 problem naming the field", async () => {
    const { call } = await setup("2026-12-01T12:00:00Z");
    const b = (await call("POST", "/bills", rent)).body;
    const cases: [string, string, string][] = [
      ["from=2026-12-31&to=2026-12-01", "to", "must be on or after from (2026-12-31)"],
      ["from=2020-01-01&to=2026-12-01", "to", "must be at most 1096 days after from (2020-01-01)"],
      ["from=2026-02-30", "from", "must be a date in YYYY-MM-DD form"],
      ["status=late", "status", "must be one of upcoming, due, overdue, missed, paid, partly_paid, skipped"],
      ["page=2", "page", ""],
    ];
    for (const [query, field, message] of cases) {
      const res = await call("GET", `/bills/${b.id}/occurrences?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors[0].field, query).toBe(field);
      if (message) expect(res.body.errors[0].message, query).toBe(message);
    }
    expect((await call("GET", "/bills/bill_missing/occurrences")).status).toBe(404);
  });
});

describe("API reference", () => {
  it("should document the success schema of every route this change added or touched", async () => {
    const { call } = await setup("2026-12-01T12:00:00Z");
    const doc = (await call("GET", "/openapi.json")).body;
    const schema = (path: string, method: string, status: string) =>
      doc.paths[path][method].responses[status].content["application/json"].schema;
    const occurrences = schema("/bills/{id}/occurrences", "get", "200");
    expect(occurrences.properties.items.items.properties.status.enum).toEqual([
      "upcoming",
      "due",
      "overdue",
      "missed",
      "paid",
      "partly_paid",
      "skipped",
    ]);
    expect(Object.keys(schema("/bills/overdue", "get", "200").properties.items.items.properties)).toEqual(
      expect.arrayContaining(["status", "paid_minor", "remaining_minor", "grace_until", "days_overdue"]),
    );
    expect(
      schema("/bills/missed", "get", "200").properties.items.items.properties.remaining_minor,
    ).toBeDefined();
    expect(
      schema("/bills/{id}/paid", "post", "201").properties.occurrence_status.properties.label,
    ).toBeDefined();
    expect(schema("/bills/upcoming", "get", "200").properties.items.items.properties.status).toBeDefined();
    for (const [path, method, status] of [
      ["/bills", "post", "201"],
      ["/bills", "get", "200"],
      ["/bills/{id}", "get", "200"],
      ["/bills/{id}", "patch", "200"],
      ["/bills/{id}/skip", "post", "200"],
    ] as const)
      expect(JSON.stringify(schema(path, method, status)), `${method} ${path}`).toContain(
        "paid_by_occurrence",
      );
    const query = doc.paths["/bills/{id}/occurrences"].get.parameters.map((p: { name: string }) => p.name);
    expect(query).toEqual(["id", "from", "to", "status"]);
  });
});
