import { ProblemError } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { assertMergeFields, mergeFieldsIn, renderTemplate } from "../src/merge-fields.js";

describe("merge fields", () => {
  it("should list each merge field once, in order", () => {
    expect(mergeFieldsIn("{{deal.address}} {{ deal.mao }} {{deal.address}}")).toEqual([
      "deal.address",
      "deal.mao",
    ]);
  });

  it("should render money from minor units with its currency and list known fields without value", () => {
    const out = renderTemplate("Offer {{deal.mao}} for {{deal.address}}, {{deal.seller_name}}", {
      id: "deal_1",
      stage: "offer",
      address: "1 Main",
      mao_minor: 12_345_678,
      currency: "USD",
      seller_name: null,
    });
    expect(out).toEqual({ text: "Offer 123456.78 USD for 1 Main, ", missing: ["deal.seller_name"] });
  });

  it("should reject an unknown field naming it and the template part", () => {
    let err: unknown;
    try {
      assertMergeFields({ subject: "Hi {{deal.adress}}", body: "ok {{deal.id}}" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    const body = (err as ProblemError).toJSON() as unknown as {
      errors: { field: string; message: string }[];
    };
    expect(body.errors).toEqual([
      expect.objectContaining({
        field: "subject",
        message: expect.stringContaining("unknown merge field '{{deal.adress}}'"),
      }),
    ]);
  });

  it("should reject unbalanced braces", () => {
    expect(() => assertMergeFields({ body: "Hi {{deal.id" })).toThrow(/unclosed/);
  });
});
