import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { definePack, route } from "../../src/pack/define-pack.js";
import { serviceRef } from "../../src/pack/service-ref.js";
import type { PackContext } from "../../src/pack/types.js";
import { collection, type Stored } from "../../src/storage/collection.js";

interface DealsApi {
  get(id: string): Promise<{ id: string; stage: string } | null>;
}
const dealsService = serviceRef<DealsApi>({ pack: "wholesale", id: "deals", version: "^1" });
const storage = {
  buyers: collection({ prefix: "buyer", schema: v.object({ name: v.string() }), indexes: ["name"] }),
};

describe("definePack types", () => {
  it("should type ctx.deps from requires and ctx.storage from storage", () => {
    definePack({
      code: "dispo",
      version: "1.0.0",
      description: "",
      requires: { deals: dealsService, maybe: dealsService.optionalRef() },
      storage,
      validate: (ctx) => {
        expectTypeOf(ctx.deps.deals).toEqualTypeOf<DealsApi>();
        expectTypeOf(ctx.deps.maybe).toEqualTypeOf<DealsApi | undefined>();
        expectTypeOf(ctx.storage.buyers.get).returns.resolves.toEqualTypeOf<Stored<{
          name: string;
        }> | null>();
        // @ts-expect-error — the service has no `remove`
        void ctx.deps.deals.remove;
        // @ts-expect-error — records must match the collection schema
        void ctx.storage.buyers.create({ name: 42 });
        // @ts-expect-error — only declared namespaces exist
        void ctx.storage.deals;
        // @ts-expect-error — only declared indexes can filter
        void ctx.storage.buyers.list({ where: { city: "x" } });
        return [];
      },
    });
  });

  it("should require services to match the refs a pack provides", () => {
    definePack({
      code: "wholesale",
      version: "1.0.0",
      description: "",
      provides: [dealsService],
      services: () => ({ deals: { get: async () => null } }),
    });
    definePack({
      code: "wholesale",
      version: "1.0.0",
      description: "",
      provides: [dealsService],
      // @ts-expect-error — `deals` must implement DealsApi
      services: () => ({ deals: { fetch: async () => null } }),
    });
  });

  it("should reject a requires entry that is not a service ref", () => {
    definePack({
      code: "bad",
      version: "1.0.0",
      description: "",
      // @ts-expect-error — requires takes serviceRef values, not pack codes
      requires: { deals: "wholesale" },
    });
  });

  it("should type route input from its schemas", () => {
    route({
      method: "POST",
      path: "/:id",
      summary: "",
      scope: "write",
      params: v.object({ id: v.string() }),
      body: v.object({ amount: v.string() }),
      handler: ({ params, body, ctx }) => {
        expectTypeOf(params.id).toBeString();
        expectTypeOf(body.amount).toBeString();
        expectTypeOf(ctx).toEqualTypeOf<PackContext<any, any>>();
        // @ts-expect-error — not in the body schema
        void body.other;
      },
    });
  });
});
