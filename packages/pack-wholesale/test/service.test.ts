import { describe, expect, it } from "vitest";
import { allowedNext, boardView, deriveSpread } from "../src/index.js";

describe("service", () => {
  it("should allow resuming an on-hold deal only to where it was held from", () => {
    expect(allowedNext({ stage: "on_hold", held_from: "assignment" })).toEqual(["assignment", "dead"]);
    expect(allowedNext({ stage: "closed", held_from: null })).toEqual([]);
  });

  it.each([
    // [mao, contract, assignment] → [spread, basis]; figures in cents, worked by hand
    [10_000_000, 8_000_000, null, 2_000_000, "mao"],
    [10_000_000, 8_000_000, 9_250_000, 1_250_000, "assignment"],
    [null, 8_000_000, 7_500_000, -500_000, "assignment"],
    [7_000_000, 7_500_000, null, -500_000, "mao"],
    [10_000_000, null, 9_000_000, null, null],
    [null, 8_000_000, null, null, null],
  ])(
    "should derive the spread from mao=%s contract=%s assignment=%s",
    (mao, contract, assignment, spread, basis) => {
      expect(
        deriveSpread({ mao_minor: mao, contract_price_minor: contract, assignment_price_minor: assignment }),
      ).toEqual({ expected_spread_minor: spread, spread_basis: basis });
    },
  );

  it("should copy only whitelisted fields to the board view", () => {
    const view = boardView({ id: "deal_1", stage: "lead", notes: "secret", mao_minor: 1 } as never);
    expect(view).toHaveProperty("id", "deal_1");
    expect(view).not.toHaveProperty("notes");
    expect(view).not.toHaveProperty("mao_minor");
  });
});
