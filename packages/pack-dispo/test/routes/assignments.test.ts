import type { Host } from "@valhalla/host";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buyer, call, dealAt, makeHost } from "../helpers.js";

const PROBLEM = "https://valhalla.dev/problems/";

const offer = (host: Host, dealId: string, buyerId: string, extra: Record<string, unknown> = {}) =>
  call(host, "POST", "/dispo/assignments", { deal_id: dealId, buyer_id: buyerId, ...extra });
const patch = (host: Host, id: string, body: unknown, headers: Record<string, string> = {}) =>
  call(host, "PATCH", `/dispo/assignments/${id}`, body, headers);
const stageOf = async (host: Host, dealId: string) => (await call(host, "GET", `/wholesale/${dealId}`)).body;

describe("routes: assignments", () => {
  let host: Host;
  let a: any;
  let b: any;
  let c: any;
  beforeEach(async () => {
    host = await makeHost();
    a = await buyer(host, { name: "A" });
    b = await buyer(host, { name: "B" });
    c = await buyer(host, { name: "C" });
  });

  it("should run offered → assigned → closed and close the wholesale deal", async () => {
    const deal = await dealAt(host, "contract", { contract_price: "80000", mao: "95000" });
    const created = await offer(host, deal.id, a.id, { assignment_price: "92000" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "offered",
      position: null,
      assignment_price_minor: 9_200_000,
    });
    expect(created.headers.get("location")).toBe(`/dispo/assignments/${created.body.id}`);

    const assigned = await patch(host, created.body.id, { status: "assigned" }, { "x-actor": "dispo-desk" });
    expect(assigned.status).toBe(200);
    // Fee is derived: 92000 − 80000 = 12000
    expect(assigned.body).toMatchObject({ status: "assigned", assignment_fee_minor: 1_200_000 });
    expect(await stageOf(host, deal.id)).toMatchObject({
      stage: "assignment",
      assignment_price_minor: 9_200_000,
      expected_spread_minor: 1_200_000,
      spread_basis: "assignment",
    });

    const closed = await patch(host, created.body.id, { status: "closed" });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("closed");
    expect((await stageOf(host, deal.id)).stage).toBe("closed");
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(log.body.items.slice(-2).map((x: any) => [x.data.to, x.actor])).toEqual([
      ["assignment", "dispo-desk"],
      ["closed", "anonymous"],
    ]);
  });

  it("should queue backups in order and promote the next one on fallout", async () => {
    const deal = await dealAt(host, "contract", { contract_price: "80000" });
    const first = (await offer(host, deal.id, a.id, { assignment_price: "90000" })).body;
    const second = (await offer(host, deal.id, b.id)).body;
    const third = (await offer(host, deal.id, c.id)).body;
    expect([first.status, second.status, third.status]).toEqual(["offered", "backup", "backup"]);
    expect([second.position, third.position]).toEqual([1, 2]);

    await patch(host, first.id, { status: "assigned" });
    expect((await stageOf(host, deal.id)).stage).toBe("assignment");

    const fell = await patch(host, first.id, { status: "fallout", reason: "buyer's lender pulled out" });
    expect(fell.status).toBe(200);
    expect(fell.body).toMatchObject({ status: "fallout", fallout_reason: "buyer's lender pulled out" });
    // The deal is back under contract without the old assignment price.
    expect(await stageOf(host, deal.id)).toMatchObject({ stage: "contract", assignment_price_minor: null });

    const list = await call(host, "GET", `/dispo/assignments/by-deal/${deal.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => [x.buyer_id, x.status, x.position])).toEqual([
      [b.id, "offered", null],
      [c.id, "backup", 1],
      [a.id, "fallout", null],
    ]);

    // The promoted buyer needs a price before assigning.
    const noPrice = await patch(host, second.id, { status: "assigned" });
    expect(noPrice.status).toBe(400);
    expect(noPrice.body.errors[0].field).toBe("assignment_price");
    const ok = await patch(host, second.id, { status: "assigned", assignment_price: "88000" });
    expect(ok.status).toBe(200);
    expect(ok.body.assignment_fee_minor).toBe(800_000);
    await patch(host, second.id, { status: "closed" });
    const after = await call(host, "GET", `/dispo/assignments/by-deal/${deal.id}`);
    expect(after.body.items.find((x: any) => x.id === third.id)).toMatchObject({
      status: "fallout",
      fallout_reason: "deal closed with another buyer",
    });
    expect((await stageOf(host, deal.id)).stage).toBe("closed");
  });

  it("should drop a withdrawn backup from the queue without touching the live offer", async () => {
    const deal = await dealAt(host, "contract");
    const first = (await offer(host, deal.id, a.id)).body;
    const second = (await offer(host, deal.id, b.id)).body;
    const third = (await offer(host, deal.id, c.id)).body;
    const res = await patch(host, second.id, { status: "fallout", reason: "bought elsewhere" });
    expect(res.status).toBe(200);
    const list = (await call(host, "GET", `/dispo/assignments/by-deal/${deal.id}`)).body.items;
    expect(list.map((x: any) => [x.id, x.status, x.position])).toEqual([
      [first.id, "offered", null],
      [third.id, "backup", 1],
      [second.id, "fallout", null],
    ]);
  });

  it("should require a reason for fallout and accept a reason only with fallout", async () => {
    const deal = await dealAt(host, "contract");
    const x = (await offer(host, deal.id, a.id)).body;
    const none = await patch(host, x.id, { status: "fallout" });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].field).toBe("reason");
    const stray = await patch(host, x.id, { status: "assigned", reason: "why" });
    expect(stray.status).toBe(400);
    expect(stray.body.errors[0].field).toBe("reason");
  });

  it("should refuse offers on deals not under contract, unknown ids, inactive and duplicate buyers", async () => {
    const lead = await dealAt(host, "lead");
    const early = await offer(host, lead.id, a.id);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: `${PROBLEM}deal-not-under-contract`, stage: "lead" });

    const deal = await dealAt(host, "contract");
    const noDeal = await offer(host, "deal_missing", a.id);
    expect(noDeal.status).toBe(404);
    expect(noDeal.body.errors[0].field).toBe("deal_id");
    const noBuyer = await offer(host, deal.id, "buyer_missing");
    expect(noBuyer.status).toBe(404);
    expect(noBuyer.body.errors[0].field).toBe("buyer_id");

    const off = await buyer(host, { name: "Off", active: false });
    const inactive = await offer(host, deal.id, off.id);
    expect(inactive.status).toBe(409);
    expect(inactive.body.type).toBe(`${PROBLEM}buyer-inactive`);

    expect((await offer(host, deal.id, a.id)).status).toBe(201);
    const dup = await offer(host, deal.id, a.id);
    expect(dup.status).toBe(409);
    expect(dup.body.type).toBe(`${PROBLEM}duplicate-assignment`);

    const eur = await buyer(host, { name: "Euro", currency: "EUR" });
    const cur = await offer(host, deal.id, eur.id);
    expect(cur.status).toBe(409);
    expect(cur.body.type).toBe(`${PROBLEM}currency-mismatch`);
  });

  it("should answer 400 naming the field, 404 for unknown ids and 415 for non-JSON", async () => {
    const missing = await call(host, "POST", "/dispo/assignments", { buyer_id: a.id });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe("deal_id");
    const deal = await dealAt(host, "contract");
    const price = await offer(host, deal.id, a.id, { assignment_price: "12.345" });
    expect(price.status).toBe(400);
    expect(price.body.errors[0].field).toBe("assignment_price");
    const status = await patch(host, "asg_missing", { status: "closed" });
    expect(status.status).toBe(404);
    const x = (await offer(host, deal.id, a.id)).body;
    const bad = await patch(host, x.id, { status: "offered" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("status");
    const byDeal = await call(host, "GET", "/dispo/assignments/by-deal/deal_missing");
    expect(byDeal.status).toBe(404);
    const form = await call(host, "POST", "/dispo/assignments", "deal_id=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
  });

  it("should answer 412 on a stale If-Match and leave the deal untouched", async () => {
    const deal = await dealAt(host, "contract");
    const x = (await offer(host, deal.id, a.id, { assignment_price: "1000" })).body;
    await patch(host, x.id, { notes: "called twice" });
    const stale = await patch(host, x.id, { status: "assigned" }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: `${PROBLEM}stale-revision`, current_rev: 2 });
    expect((await stageOf(host, deal.id)).stage).toBe("contract");
    const ok = await patch(host, x.id, { status: "assigned" }, { "if-match": '"2"' });
    expect(ok.status).toBe(200);
  });

  it("should lock the price once assigned", async () => {
    const deal = await dealAt(host, "contract");
    const x = (await offer(host, deal.id, a.id, { assignment_price: "1000" })).body;
    await patch(host, x.id, { status: "assigned" });
    const res = await patch(host, x.id, { assignment_price: "2000" });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEM}price-locked`);
  });
});

describe("routes: assignment statuses", () => {
  let host: Host;
  let a: any;
  let b: any;
  beforeAll(async () => {
    host = await makeHost();
    a = await buyer(host, { name: "A" });
    b = await buyer(host, { name: "B" });
  });

  // The rules, written out by hand.
  const ALLOWED: Record<string, string[]> = {
    backup: ["fallout"],
    offered: ["assigned", "fallout"],
    assigned: ["closed", "fallout"],
    closed: [],
    fallout: [],
  };
  async function assignmentAt(status: string): Promise<any> {
    const deal = await dealAt(host, "contract", { contract_price: "1000" });
    const live = (await offer(host, deal.id, a.id, { assignment_price: "1500" })).body;
    if (status === "backup") return (await offer(host, deal.id, b.id, { assignment_price: "1400" })).body;
    const steps: Record<string, object[]> = {
      offered: [],
      assigned: [{ status: "assigned" }],
      closed: [{ status: "assigned" }, { status: "closed" }],
      fallout: [{ status: "fallout", reason: "walked" }],
    };
    let cur = live;
    for (const s of steps[status]!) cur = (await patch(host, live.id, s)).body;
    return cur;
  }
  const cases = Object.keys(ALLOWED).flatMap((from) =>
    ["assigned", "closed", "fallout"].map((to) => [from, to, ALLOWED[from]!.includes(to)] as const),
  );

  it.each(cases)("should move %s → %s: allowed=%s", async (from, to, allowed) => {
    const x = await assignmentAt(from);
    expect(x.status).toBe(from);
    const res = await patch(host, x.id, {
      status: to,
      ...(to === "fallout" ? { reason: "changed mind" } : {}),
    });
    if (allowed) {
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(to);
    } else {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        type: `${PROBLEM}illegal-transition`,
        from,
        to,
        allowed: ALLOWED[from],
      });
    }
  });
});
