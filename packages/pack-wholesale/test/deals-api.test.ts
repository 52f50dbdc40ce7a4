import type { Host } from "@valhalla/host";
import { definePack } from "@valhalla/runtime";
import { beforeEach, describe, expect, it } from "vitest";
import { type DealsApi, dealsService, wholesale } from "../src/index.js";
import { call, dealAt, makeHost } from "./helpers.js";

// A consumer pack, so the service is reached the way other packs reach it: through the ref.
const probe = definePack({
  code: "probe",
  version: "0.1.0",
  description: "test consumer of wholesale.deals",
  requires: { deals: dealsService },
});

describe("deals service", () => {
  let host: Host;
  let deals: DealsApi;
  beforeEach(async () => {
    host = await makeHost("memory:", [wholesale, probe]);
    deals = host.registry.context("probe").deps.deals as DealsApi;
  });

  it("should get and list deals, and return null for an unknown id", async () => {
    const a = await dealAt(host, ["offer"], { partner_id: "jv_a" });
    await dealAt(host, []);
    expect((await deals.get(a.id))?.stage).toBe("offer");
    expect(await deals.get("deal_missing")).toBeNull();
    expect((await deals.list({ stage: "offer" })).items.map((d) => d.id)).toEqual([a.id]);
    expect((await deals.list({ partner_id: "jv_a" })).items).toHaveLength(1);
    expect((await deals.list()).items).toHaveLength(2);
  });

  it("should attach a property and log it", async () => {
    const deal = await dealAt(host, []);
    const out = await deals.attachProperty(deal.id, {
      property_id: "prop_1",
      address: "9 Oak Ave",
      zip: "46201",
      arv_minor: 15_000_000,
      actor: "underwriter",
    });
    expect(out).toMatchObject({
      property_id: "prop_1",
      property_address: "9 Oak Ave",
      property_zip: "46201",
    });
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(log.body.items.at(-1)).toMatchObject({ type: "property_attached", actor: "underwriter" });
    await expect(deals.attachProperty("deal_missing", { property_id: "p" })).rejects.toThrow(/deal_missing/);
  });

  it("should write underwriting as numbered versions and re-derive the spread", async () => {
    const deal = await dealAt(host, [], { contract_price: "60000" });
    const v1 = await deals.recordUnderwriting(deal.id, {
      mao_minor: 7_000_000,
      currency: "USD",
      model: "wholesale_70_rule_v1",
      inputs: { arv: "120000", k: "0.70" },
    });
    expect(v1.underwriting).toMatchObject({
      version: 1,
      mao_minor: 7_000_000,
      model: "wholesale_70_rule_v1",
    });
    expect(v1).toMatchObject({ mao_minor: 7_000_000, expected_spread_minor: 1_000_000 });
    const v2 = await deals.recordUnderwriting(deal.id, {
      mao_minor: 6_500_000,
      currency: "USD",
      model: "m2",
    });
    expect(v2.underwriting?.version).toBe(2);
    expect(v2.expected_spread_minor).toBe(500_000);
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(
      log.body.items.filter((a: any) => a.type === "underwriting").map((a: any) => a.data.version),
    ).toEqual([1, 2]);
    await expect(
      deals.recordUnderwriting(deal.id, { mao_minor: 1, currency: "EUR", model: "m" }),
    ).rejects.toMatchObject({ status: 409, code: "currency-mismatch" });
  });

  it("should move stages under the same rules and set the assignment price", async () => {
    const deal = await dealAt(host, ["offer", "contract"], { contract_price: "50000" });
    const moved = await deals.transition(deal.id, "assignment", {
      assignment_price_minor: 6_000_000,
      actor: "dispo",
    });
    expect(moved).toMatchObject({ stage: "assignment", expected_spread_minor: 1_000_000 });
    await expect(deals.transition(deal.id, "lead")).rejects.toMatchObject({
      status: 409,
      extensions: { allowed: ["closed", "contract", "dead", "on_hold"] },
    });
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(log.body.items.at(-1)).toMatchObject({ type: "stage_change", actor: "dispo" });
  });
});
