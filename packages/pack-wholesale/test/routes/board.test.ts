import type { Host } from "@valhalla/host";
import { beforeEach, describe, expect, it } from "vitest";
import { asPartner, call, dealAt, makeHost } from "../helpers.js";

const PRIVATE = [
  "seller_motivation",
  "notes",
  "mao_minor",
  "assignment_fee_target_minor",
  "assignment_price_minor",
  "contract_price_minor",
  "expected_spread_minor",
  "underwriting",
  "lead_source",
  "partner_id",
];

describe("routes: JV partner board", () => {
  let host: Host;
  let annDeals: string[];
  beforeEach(async () => {
    host = await makeHost();
    const secret = {
      seller_motivation: "divorce, behind on payments",
      notes: "will take 60k",
      mao: "70000",
      contract_price: "60000",
      assignment_fee_target: "15000",
      lead_source: "probate",
      arv: "120000",
      repair_estimate: "20000",
      property_address: "12 Elm St",
      market: "Indianapolis",
    };
    annDeals = [
      (await dealAt(host, [], { ...secret, partner_id: "jv_ann" })).id,
      (await dealAt(host, ["offer", "contract"], { ...secret, partner_id: "jv_ann" })).id,
    ];
    await dealAt(host, [], { ...secret, partner_id: "jv_bob" });
    await dealAt(host, [], secret);
  });

  it("should return only the share subject's deals with partner-visible fields", async () => {
    const res = await call(host, "GET", "/wholesale/board", undefined, await asPartner(host, "jv_ann"));
    expect(res.status).toBe(200);
    expect(res.body.partner_id).toBe("jv_ann");
    expect(res.body.items.map((d: any) => d.id).sort()).toEqual([...annDeals].sort());
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(
        [
          "arv_minor",
          "closing_date",
          "condition",
          "currency",
          "exit_strategy",
          "id",
          "market",
          "property_address",
          "property_type",
          "property_zip",
          "repair_estimate_minor",
          "stage",
          "updated_at",
        ].sort(),
      );
      for (const f of PRIVATE) expect(item).not.toHaveProperty(f);
      expect(item).toMatchObject({ property_address: "12 Elm St", arv_minor: 12_000_000 });
    }
    expect(JSON.stringify(res.body)).not.toContain("divorce");
    expect(JSON.stringify(res.body)).not.toContain("will take");
  });

  it("should ignore a partner_id query when a share subject is present", async () => {
    const res = await call(host, "GET", "/wholesale/board?partner_id=jv_bob", undefined, {
      ...(await asPartner(host, "jv_ann")),
    });
    expect(res.status).toBe(200);
    expect(res.body.partner_id).toBe("jv_ann");
    expect(res.body.items.map((d: any) => d.id).sort()).toEqual([...annDeals].sort());
  });

  it("should read partner_id from the query when there is no share subject", async () => {
    const res = await call(host, "GET", "/wholesale/board?partner_id=jv_bob");
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const none = await call(host, "GET", "/wholesale/board?partner_id=jv_nobody");
    expect(none.body.items).toEqual([]);
  });

  it("should answer 400 naming partner_id when neither a subject nor the query names a partner", async () => {
    const res = await call(host, "GET", "/wholesale/board");
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("https://valhalla.dev/problems/validation-failed");
    expect(res.body.errors[0].field).toBe("partner_id");
  });

  it("should declare read scope and the jv_board share scope", () => {
    const route = host.registry.routes.find((r) => r.path === "/wholesale/board");
    expect(route?.def.scope).toBe("read");
    expect(route?.def.shareScope).toBe("jv_board");
  });
});
