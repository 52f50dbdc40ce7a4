import type { Host } from "@valhalla/host";
import { wholesale } from "@valhalla/pack-wholesale";
import { describe, expect, it } from "vitest";
import { call, createProperty, makeHost } from "../fixtures/http.js";

// The real wholesale pack, not the fake: proves our local deals contract matches what it provides.
describe("underwriter with @valhalla/pack-wholesale", () => {
  it("should attach a property and write a versioned MAO onto a real deal", async () => {
    const host: Host = await makeHost([wholesale]);
    const deal = await call(host, "POST", "/wholesale", {
      lead_source: "driving for dollars",
      currency: "USD",
    });
    expect(deal.status).toBe(201);
    const p = await createProperty(host);
    await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "200000" });

    const attached = await call(host, "POST", `/underwriter/deals/${deal.body.id}/attach-property`, {
      property_id: p.id,
    });
    expect(attached.status).toBe(200);
    const afterAttach = await call(host, "GET", `/wholesale/${deal.body.id}`);
    expect(afterAttach.body).toMatchObject({ property_id: p.id, arv_minor: 20_000_000 });

    // 200,000 × 0.70 − 20,000 repairs − 10,000 fee = 110,000
    const mao = await call(host, "POST", `/underwriter/deals/${deal.body.id}/write-mao`, {
      mode: "mao",
      fee: "10000",
    });
    expect(mao.status).toBe(201);
    await call(host, "POST", `/underwriter/deals/${deal.body.id}/write-mao`, { mode: "mao", fee: "20000" });
    const after = await call(host, "GET", `/wholesale/${deal.body.id}`);
    expect(after.body.mao_minor).toBe(10_000_000);
    expect(after.body.underwriting).toMatchObject({ version: 2, mao_minor: 10_000_000, model: "mao" });

    const missing = await call(host, "POST", "/underwriter/deals/deal_01AAAAAAAAAAAAAAAAAAAAAAAA/write-mao", {
      mode: "mao",
    });
    expect(missing.status).toBe(404);
  });
});
