import type { Host } from "@valhalla/host";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, dealAt, makeHost } from "../helpers.js";

const PROBLEM = "https://valhalla.dev/problems/";

describe("routes: deals", () => {
  let host: Host;
  beforeEach(async () => {
    host = await makeHost();
  });

  it("should create a deal at 'lead' with money stored as minor units and an ETag", async () => {
    const res = await call(host, "POST", "/wholesale", {
      lead_source: "driving_for_dollars",
      seller_motivation: "inherited, wants quick sale",
      arv: "200000",
      mao: "130000.50",
      contract_price: "120000",
      assignment_fee_target: "10000",
      exit_strategy: "assignment",
      inspection_date: "2026-03-01",
      partner_id: "jv_ann",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      stage: "lead",
      currency: "USD",
      arv_minor: 20_000_000,
      mao_minor: 13_000_050,
      contract_price_minor: 12_000_000,
      assignment_fee_target_minor: 1_000_000,
      // 130000.50 − 120000 = 10000.50
      expected_spread_minor: 1_000_050,
      spread_basis: "mao",
      exit_strategy: "assignment",
      inspection_date: "2026-03-01",
    });
    expect(res.body.id).toMatch(/^deal_/);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/wholesale/${res.body.id}`);
  });

  it("should respect the currency's exponent (JPY has none)", async () => {
    const res = await call(host, "POST", "/wholesale", {
      currency: "JPY",
      mao: "1500000",
      contract_price: "1200000",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mao_minor: 1_500_000, expected_spread_minor: 300_000 });
    const bad = await call(host, "POST", "/wholesale", { currency: "JPY", mao: "10.5" });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(bad.body.errors[0].field).toBe("mao");
  });

  it("should reject a typed-in spread or stage as unknown fields", async () => {
    for (const field of ["expected_spread", "expected_spread_minor", "stage"]) {
      const res = await call(host, "POST", "/wholesale", { [field]: "lead" });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
      expect(res.body.errors[0]).toMatchObject({ field, message: "is not a known field" });
    }
  });

  it.each([
    [{ arv: 200000 }, "arv"],
    [{ arv: "2e5" }, "arv"],
    [{ contract_price: "-5" }, "contract_price"],
    [{ currency: "XYZ" }, "currency"],
    [{ closing_date: "2026-02-30" }, "closing_date"],
    [{ exit_strategy: "wholetail" }, "exit_strategy"],
    [{ property_type: "castle" }, "property_type"],
    [{ notes: "a\u0000b" }, "notes"],
  ])("should answer 400 naming the field for %j", async (body, field) => {
    const res = await call(host, "POST", "/wholesale", body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("should answer 415 for a body that is not JSON", async () => {
    const res = await call(host, "POST", "/wholesale", "lead_source=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(415);
    expect(res.body.type).toBe(`${PROBLEM}unsupported-media-type`);
  });

  it("should answer 404 for an unknown or malformed id", async () => {
    for (const path of ["/wholesale/deal_nope", "/wholesale/deal_nope/activities"]) {
      const res = await call(host, "GET", path);
      expect(res.status).toBe(404);
      expect(res.body.type).toBe(`${PROBLEM}not-found`);
    }
    const patch = await call(host, "PATCH", "/wholesale/deal_nope", { notes: "x" });
    expect(patch.status).toBe(404);
    const move = await call(host, "POST", "/wholesale/deal_nope/stage", { to: "offer" });
    expect(move.status).toBe(404);
  });

  it("should get a deal with its ETag", async () => {
    const deal = await dealAt(host, []);
    const res = await call(host, "GET", `/wholesale/${deal.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(deal);
    expect(res.headers.get("etag")).toBe('"1"');
  });

  it("should patch fields, re-derive the spread and answer 412 on a stale If-Match", async () => {
    const deal = await dealAt(host, [], { mao: "100000", contract_price: "90000" });
    expect(deal.expected_spread_minor).toBe(1_000_000);
    const ok = await call(
      host,
      "PATCH",
      `/wholesale/${deal.id}`,
      { contract_price: "95000.25" },
      { "if-match": '"1"' },
    );
    expect(ok.status).toBe(200);
    // 100000 − 95000.25 = 4999.75
    expect(ok.body).toMatchObject({
      contract_price_minor: 9_500_025,
      expected_spread_minor: 499_975,
      rev: 2,
    });
    expect(ok.headers.get("etag")).toBe('"2"');

    const stale = await call(
      host,
      "PATCH",
      `/wholesale/${deal.id}`,
      { notes: "late" },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: `${PROBLEM}stale-revision`, current_rev: 2 });
    expect((await call(host, "GET", `/wholesale/${deal.id}`)).body.notes).toBeNull();

    const cleared = await call(host, "PATCH", `/wholesale/${deal.id}`, { mao: null });
    expect(cleared.body).toMatchObject({ mao_minor: null, expected_spread_minor: null, spread_basis: null });
  });

  it("should switch the spread to assignment price − contract price once assigned", async () => {
    const deal = await dealAt(host, ["offer", "contract"], { mao: "100000", contract_price: "80000" });
    expect(deal).toMatchObject({ expected_spread_minor: 2_000_000, spread_basis: "mao" });
    const res = await call(host, "PATCH", `/wholesale/${deal.id}`, { assignment_price: "92500" });
    expect(res.status).toBe(200);
    // 92500 − 80000 = 12500, whatever the MAO says
    expect(res.body).toMatchObject({ expected_spread_minor: 1_250_000, spread_basis: "assignment" });
  });

  it("should reject an empty patch and a stage change through PATCH", async () => {
    const deal = await dealAt(host, []);
    const empty = await call(host, "PATCH", `/wholesale/${deal.id}`, {});
    expect(empty.status).toBe(400);
    const stage = await call(host, "PATCH", `/wholesale/${deal.id}`, { stage: "closed" });
    expect(stage.status).toBe(400);
    expect(stage.body.errors[0].field).toBe("stage");
  });

  it("should filter by stage, lead_source and partner_id and paginate with a cursor", async () => {
    await dealAt(host, [], { lead_source: "mail", partner_id: "jv_a" });
    await dealAt(host, ["offer"], { lead_source: "mail" });
    await dealAt(host, ["offer"], { lead_source: "cold_call", partner_id: "jv_a" });
    const byStage = await call(host, "GET", "/wholesale?stage=offer");
    expect(byStage.status).toBe(200);
    expect(byStage.body.items).toHaveLength(2);
    const bySource = await call(host, "GET", "/wholesale?lead_source=mail&stage=offer");
    expect(bySource.body.items).toHaveLength(1);
    const byPartner = await call(host, "GET", "/wholesale?partner_id=jv_a");
    expect(byPartner.body.items.map((d: { lead_source: string }) => d.lead_source).sort()).toEqual([
      "cold_call",
      "mail",
    ]);

    const first = await call(host, "GET", "/wholesale?limit=2");
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call(host, "GET", `/wholesale?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(3);

    const bad = await call(host, "GET", "/wholesale?stage=won");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("stage");
  });

  it("should summarize counts per stage and the expected spread of open deals", async () => {
    await dealAt(host, [], { mao: "100000", contract_price: "90000" }); // lead, +10000
    await dealAt(host, ["offer"], { mao: "50000", contract_price: "45000.50" }); // offer, +4999.50
    await dealAt(host, ["offer"]); // offer, no spread
    await dealAt(host, ["dead"], { mao: "100000", contract_price: "1" }); // dead: not expected any more
    await dealAt(host, [], { currency: "EUR", mao: "1000", contract_price: "900" }); // lead, +100 EUR
    const res = await call(host, "GET", "/wholesale/summary");
    expect(res.status).toBe(200);
    expect(res.body.stages.lead).toEqual({
      count: 2,
      expected_spread_minor: { USD: 1_000_000, EUR: 10_000 },
    });
    expect(res.body.stages.offer).toEqual({ count: 2, expected_spread_minor: { USD: 499_950 } });
    expect(res.body.stages.dead).toEqual({ count: 1, expected_spread_minor: {} });
    expect(res.body.stages.closed).toEqual({ count: 0, expected_spread_minor: {} });
    expect(res.body.totals).toEqual({
      count: 5,
      open_expected_spread_minor: { USD: 1_499_950, EUR: 10_000 },
    });
  });
});

describe("routes: deal stages", () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost();
  });
  afterAll(() => host.close());

  // How to reach each stage from a new deal.
  const PATHS: Record<string, string[]> = {
    lead: [],
    offer: ["offer"],
    contract: ["offer", "contract"],
    assignment: ["offer", "contract", "assignment"],
    closed: ["offer", "contract", "assignment", "closed"],
    dead: ["dead"],
    on_hold: ["on_hold"],
  };
  // The pipeline rules, written out by hand (on_hold here was held from 'lead').
  const ALLOWED: Record<string, string[]> = {
    lead: ["offer", "dead", "on_hold"],
    offer: ["contract", "dead", "on_hold"],
    contract: ["assignment", "dead", "on_hold"],
    assignment: ["closed", "contract", "dead", "on_hold"],
    closed: [],
    dead: [],
    on_hold: ["lead", "dead"],
  };
  const STAGES = Object.keys(PATHS);
  const cases = STAGES.flatMap((from) =>
    STAGES.map((to) => [from, to, ALLOWED[from]!.includes(to)] as const),
  );

  it.each(cases)("should move %s → %s: allowed=%s", async (from, to, allowed) => {
    const deal = await dealAt(host, PATHS[from]!);
    const res = await call(
      host,
      "POST",
      `/wholesale/${deal.id}/stage`,
      { to, ...(to === "dead" ? { reason: "no equity" } : {}) },
      { "x-actor": "ops@example.com" },
    );
    if (allowed) {
      expect(res.status).toBe(200);
      expect(res.body.stage).toBe(to);
      expect(res.body.rev).toBe(deal.rev + 1);
    } else {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        type: `${PROBLEM}illegal-transition`,
        from,
        to,
        allowed: ALLOWED[from],
      });
      expect(res.body.detail).toContain(`'${from}' to '${to}'`);
      expect((await call(host, "GET", `/wholesale/${deal.id}`)).body.stage).toBe(from);
    }
  });

  it("should resume an on-hold deal only to the stage it was held from", async () => {
    const deal = await dealAt(host, ["offer", "contract", "on_hold"]);
    expect(deal).toMatchObject({ stage: "on_hold", held_from: "contract" });
    const wrong = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "lead" });
    expect(wrong.status).toBe(409);
    expect(wrong.body.allowed).toEqual(["contract", "dead"]);
    const back = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "contract" });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ stage: "contract", held_from: null });
  });

  it("should require a reason to mark a deal dead and keep it", async () => {
    const deal = await dealAt(host, ["offer"]);
    const none = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "dead" });
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toMatchObject({ field: "reason" });
    const blank = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "dead", reason: "  " });
    expect(blank.status).toBe(400);
    expect(blank.body.errors[0].field).toBe("reason");
    const ok = await call(host, "POST", `/wholesale/${deal.id}/stage`, {
      to: "dead",
      reason: "title issues",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ stage: "dead", dead_reason: "title issues" });
  });

  it("should answer 412 to a stage move with a stale If-Match and 400 to an unknown stage", async () => {
    const deal = await dealAt(host, ["offer"]);
    const stale = await call(
      host,
      "POST",
      `/wholesale/${deal.id}/stage`,
      { to: "contract" },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.type).toBe(`${PROBLEM}stale-revision`);
    const unknown = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "won" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe("to");
  });

  it("should clear the assignment price when the deal falls back to contract", async () => {
    const deal = await dealAt(host, ["offer", "contract", "assignment"], {
      mao: "100000",
      contract_price: "80000",
      assignment_price: "90000",
    });
    expect(deal).toMatchObject({ expected_spread_minor: 1_000_000, spread_basis: "assignment" });
    const back = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "contract" });
    expect(back.body).toMatchObject({
      assignment_price_minor: null,
      expected_spread_minor: 2_000_000,
      spread_basis: "mao",
    });
  });
});
