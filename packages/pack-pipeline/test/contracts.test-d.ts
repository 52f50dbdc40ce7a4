import type { BillsApi } from "@valhalla/pack-bills/refs";
import type { DealsApi as WholesaleDealsApi } from "@valhalla/pack-wholesale/refs";
import { describe, expectTypeOf, it } from "vitest";
import type { BillsRemindersApi, DealsApi } from "../src/contracts.js";

const accepts =
  <T>() =>
  (_: T): true =>
    true;

// The pipeline's local contracts must stay satisfiable by the real providers.
describe("pipeline contracts", () => {
  it("should be implemented by wholesale's deals service", () => {
    expectTypeOf(accepts<DealsApi>()({} as WholesaleDealsApi)).toEqualTypeOf<true>();
    // @ts-expect-error — a provider without `get` would not do
    accepts<DealsApi>()({} as Omit<WholesaleDealsApi, "get">);
  });

  it("should be implemented by the bills service", () => {
    expectTypeOf(accepts<BillsRemindersApi>()({} as BillsApi)).toEqualTypeOf<true>();
  });
});
