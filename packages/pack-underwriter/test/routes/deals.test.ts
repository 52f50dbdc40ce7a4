import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Host } from "@valhalla/host";
import { definePack } from "@valhalla/runtime";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { dealsService } from "../../src/index.js";
import { fakeWholesale } from "../fixtures/fake-wholesale.js";
import { call, createProperty, makeHost } from "../fixtures/http.js";

const PROBLEM = "https://valhalla.dev/problems/";
let host: Host;
afterEach(async () => {
  await host.close();
});

describe("deal linking without wholesale installed", () => {
  it("should start, report the optional requirement as info, and serve property routes", async () => {
    host = await makeHost();
    expect(host.report.ok).toBe(true);
    const info = host.report.issues.find((i) => i.pack === "underwriter");
    expect(info).toMatchObject({ severity: "info", code: "I_OPTIONAL_MISSING" });
    const p = await createProperty(host);
    expect((await call(host, "GET", `/underwriter/properties/${p.id}/risk`)).status).toBe(200);
  });

  it.each([
    ["attach-property", { property_id: "prop_x" }],
    ["write-mao", { mode: "mao" }],
  ])("should answer 503 dependency-missing on %s", async (route, body) => {
    host = await makeHost();
    const res = await call(host, "POST", `/underwriter/deals/deal_1/${route}`, body);
    expect(res.status).toBe(503);
    expect(res.body.type).toBe(`${PROBLEM}dependency-missing`);
    expect(res.body.type.endsWith("dependency-missing")).toBe(true);
    expect(res.body.detail).toContain("wholesale pack is not installed");
    expect(res.body).toMatchObject({ pack: "wholesale", service: "wholesale.deals" });
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("POST /underwriter/deals/:dealId/attach-property", () => {
  it("should attach the property on both sides", async () => {
    const wholesale = fakeWholesale();
    host = await makeHost([wholesale.pack]);
    const p = await createProperty(host);
    const res = await call(host, "POST", "/underwriter/deals/deal_1/attach-property", { property_id: p.id });
    expect(res.status).toBe(200);
    expect(res.body.deal_id).toBe("deal_1");
    expect(res.body.property.deal_id).toBe("deal_1");
    expect(res.body.deal).toMatchObject({ id: "deal_1", property_id: p.id });
    expect(wholesale.deals.get("deal_1")!.property_id).toBe(p.id);
    // The property's type travels with it, in the vocabulary both packs share.
    expect(wholesale.deals.get("deal_1")!.property_type).toBe("sfh");
    expect(res.headers.get("etag")).toBe('"2"');

    const listed = await call(host, "GET", "/underwriter/properties?deal_id=deal_1");
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([p.id]);
    // Attaching again to the same deal is a no-op that succeeds.
    const again = await call(host, "POST", "/underwriter/deals/deal_1/attach-property", {
      property_id: p.id,
    });
    expect(again.status).toBe(200);
    expect(again.body.property.rev).toBe(2);
  });

  it("should answer 409 when the property is attached to another deal, and refuse to delete it", async () => {
    const wholesale = fakeWholesale();
    host = await makeHost([wholesale.pack]);
    const p = await createProperty(host);
    await call(host, "POST", "/underwriter/deals/deal_1/attach-property", { property_id: p.id });
    const res = await call(host, "POST", "/underwriter/deals/deal_2/attach-property", { property_id: p.id });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEM}property-attached`);
    expect(res.body.deal_id).toBe("deal_1");
    expect(wholesale.deals.get("deal_2")!.property_id).toBeNull();
    const del = await call(host, "DELETE", `/underwriter/properties/${p.id}`);
    expect(del.status).toBe(409);
  });

  it("should release the property when wholesale refuses the attachment", async () => {
    const wholesale = fakeWholesale(["deal_closed_1"]);
    host = await makeHost([wholesale.pack]);
    const p = await createProperty(host);
    const res = await call(host, "POST", "/underwriter/deals/deal_closed_1/attach-property", {
      property_id: p.id,
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe(`${PROBLEM}deal-closed`);
    const after = await call(host, "GET", `/underwriter/properties/${p.id}`);
    expect(after.body.deal_id).toBeNull();
  });

  it("should answer 404 for an unknown deal or property and 400 for a bad body", async () => {
    host = await makeHost([fakeWholesale().pack]);
    const p = await createProperty(host);
    const noDeal = await call(host, "POST", "/underwriter/deals/deal_nope/attach-property", {
      property_id: p.id,
    });
    expect(noDeal.status).toBe(404);
    expect(noDeal.body.type).toBe(`${PROBLEM}deal-not-found`);
    const noProp = await call(host, "POST", "/underwriter/deals/deal_1/attach-property", {
      property_id: "prop_nope",
    });
    expect(noProp.status).toBe(404);
    expect(noProp.body.type).toBe(`${PROBLEM}not-found`);
    const bad = await call(host, "POST", "/underwriter/deals/deal_1/attach-property", {});
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("property_id");
  });
});

describe("POST /underwriter/deals/:dealId/write-mao", () => {
  it("should compute MAO from the attached property and record it on the deal, versioned", async () => {
    const wholesale = fakeWholesale();
    host = await makeHost([wholesale.pack]);
    const p = await createProperty(host);
    await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "200000" });
    await call(host, "POST", "/underwriter/deals/deal_1/attach-property", { property_id: p.id });

    // 200,000 × 0.70 − 20,000 − 10,000 = 110,000
    const res = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", {
      mode: "mao",
      fee: "10000",
    });
    expect(res.status).toBe(201);
    expect(res.body.mao_minor).toBe(11_000_000);
    expect(res.body.currency).toBe("USD");
    expect(res.body.run).toMatchObject({ property_id: p.id, deal_id: "deal_1", mode: "mao" });
    expect(res.body.deal).toEqual({ deal_id: "deal_1", rev: 3, version: 1 });
    expect(wholesale.deals.get("deal_1")!.underwriting).toEqual([
      {
        version: 1,
        mao_minor: 11_000_000,
        currency: "USD",
        arv_minor: 20_000_000,
        property_id: p.id,
        source: `underwriter:mao:${res.body.run.id}`,
      },
    ]);

    // BRRRR: 200,000 × 0.75 − 20,000 − 2,000 = 128,000, recorded as version 2
    const brrrr = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", {
      mode: "brrrr",
      closing: "2000",
    });
    expect(brrrr.status).toBe(201);
    expect(brrrr.body.mao_minor).toBe(12_800_000);
    expect(wholesale.deals.get("deal_1")!.underwriting.map((u) => [u.version, u.mao_minor])).toEqual([
      [1, 11_000_000],
      [2, 12_800_000],
    ]);
    const runs = await call(host, "GET", `/underwriter/properties/${p.id}/runs`);
    expect(runs.body.items.map((r: { deal_id: string }) => r.deal_id)).toEqual(["deal_1", "deal_1"]);
  });

  it("should accept an explicit property_id when none is attached", async () => {
    const wholesale = fakeWholesale();
    host = await makeHost([wholesale.pack]);
    const p = await createProperty(host);
    const res = await call(host, "POST", "/underwriter/deals/deal_2/write-mao", {
      mode: "mao",
      property_id: p.id,
      // no ARV on the property: the calculation needs one
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("arv");
    expect(wholesale.deals.get("deal_2")!.underwriting).toEqual([]);
    await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "100000" });
    const ok = await call(host, "POST", "/underwriter/deals/deal_2/write-mao", {
      mode: "mao",
      property_id: p.id,
    });
    expect(ok.status).toBe(201);
    // 100,000 × 0.70 − 20,000 = 50,000
    expect(ok.body.mao_minor).toBe(5_000_000);
  });

  it("should answer 409 when no property is attached, 404 for unknown deals, 400 for bad input", async () => {
    host = await makeHost([fakeWholesale().pack]);
    const none = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", { mode: "mao" });
    expect(none.status).toBe(409);
    expect(none.body.type).toBe(`${PROBLEM}no-property-attached`);
    expect(none.body.errors[0].field).toBe("property_id");
    const noDeal = await call(host, "POST", "/underwriter/deals/deal_nope/write-mao", { mode: "mao" });
    expect(noDeal.status).toBe(404);
    const badMode = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", { mode: "rental" });
    expect(badMode.status).toBe(400);
    expect(badMode.body.errors[0].field).toBe("mode");
    const badFee = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", {
      mode: "mao",
      fee: "ten",
    });
    expect(badFee.status).toBe(400);
    expect(badFee.body.errors[0].field).toBe("fee");
  });
});

describe("deal linking on the embedded SQLite store", () => {
  it("should attach, write MAO and keep it across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "uw-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const storage = `sqlite:${join(dir, "uw.db")}`;
    const wholesale = fakeWholesale();
    host = await makeHost([wholesale.pack], { storage });
    const p = await createProperty(host);
    await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "150000" });
    await call(host, "POST", "/underwriter/deals/deal_1/attach-property", { property_id: p.id });
    // 150,000 × 0.70 − 20,000 − 0 = 85,000
    const res = await call(host, "POST", "/underwriter/deals/deal_1/write-mao", { mode: "mao" });
    expect(res.status).toBe(201);
    expect(res.body.mao_minor).toBe(8_500_000);
    await host.close();

    // A fresh host over the same file sees everything written before (afterEach closes this one).
    host = await makeHost([wholesale.pack], { storage });
    const runs = await call(host, "GET", `/underwriter/properties/${p.id}/runs?mode=mao`);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0].outputs.mao_minor).toBe(8_500_000);
    const listed = await call(host, "GET", "/underwriter/properties?deal_id=deal_1");
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([p.id]);
  });
});

describe("underwriter with an incompatible wholesale", () => {
  it("should refuse to start when wholesale 1.x is installed (the contract wants 0.x)", async () => {
    const v2 = definePack({
      code: "wholesale",
      version: "1.0.0",
      description: "Wholesale, next major",
      provides: [dealsService],
      services: () => ({ deals: fakeWholesale().api }),
    });
    await expect(makeHost([v2])).rejects.toThrow(/wholesale/);
    host = await makeHost();
  });
});
