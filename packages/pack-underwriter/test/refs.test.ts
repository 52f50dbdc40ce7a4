import { definePack, type PackContext, routeFor } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { underwriterService } from "../src/refs.js";
import { call, createProperty, makeHost } from "./fixtures/http.js";

// A consumer pack that reads underwriter only through its ref, as another pack would.
const requires = { uw: underwriterService };
const route = routeFor<PackContext<{}, typeof requires>>();
const consumer = definePack({
  code: "consumer",
  version: "0.1.0",
  description: "Reads underwriter through its service ref",
  requires,
  routes: [
    route({
      method: "GET",
      path: "/:id",
      summary: "Property and risk via underwriter",
      scope: "read",
      handler: async ({ params, ctx }) => ({
        property: await ctx.deps.uw.getProperty(params.id!),
        risk: await ctx.deps.uw.risk(params.id!),
      }),
    }),
  ],
});

describe("underwriterService", () => {
  it("should give other packs a property's summary and risk, or null for unknown ids", async () => {
    const host = await makeHost([consumer]);
    try {
      const p = await createProperty(host);
      await call(host, "POST", `/underwriter/properties/${p.id}/arv`, { arv: "150000" });
      const res = await call(host, "GET", `/consumer/${p.id}`);
      expect(res.status).toBe(200);
      expect(res.body.property).toEqual({
        id: p.id,
        address: {
          street: "123 Main St",
          city: "Columbus",
          region: "OH",
          postal_code: "43215",
          country: "US",
        },
        type: "sfh",
        currency: "USD",
        arv_minor: 15_000_000,
        deal_id: null,
      });
      expect(res.body.risk.model).toBe("risk_v1");
      const none = await call(host, "GET", "/consumer/prop_nope");
      expect(none.body).toEqual({ property: null, risk: null });
    } finally {
      await host.close();
    }
  });
});
