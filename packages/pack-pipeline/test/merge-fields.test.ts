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
      deal: {
        id: "deal_1",
        stage: "offer",
        address: "1 Main",
        mao_minor: 12_345_678,
        currency: "USD",
        seller_name: null,
      },
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

  it("should fill offer, contract price and sender, preferring the chosen offer to the deal's", () => {
    const deal = {
      id: "deal_1",
      stage: "contract",
      offer_price_minor: 9_000_000,
      contract_price_minor: 9_500_000,
      currency: "USD",
    };
    const sender = {
      name: "Sam Buyer",
      company: "Acme Homes",
      phone: "+1 555 010 0199",
      email: "sam@acme.test",
    };
    const text =
      "{{deal.offer_price}} / {{deal.contract_price}}\n{{sender.name}}, {{sender.company}}\n{{sender.phone}} {{sender.email}}";
    expect(renderTemplate(text, { deal, sender }).text).toBe(
      "90000.00 USD / 95000.00 USD\nSam Buyer, Acme Homes\n+1 555 010 0199 sam@acme.test",
    );
    expect(renderTemplate("{{deal.offer_price}}", { deal, offer_price_minor: 8_750_050 }).text).toBe(
      "87500.50 USD",
    );
  });

  it("should drop a line made only of merge fields that are all empty, and list them", () => {
    const out = renderTemplate("Thanks,\n{{sender.name}}\n{{sender.phone}}\n\nBye {{sender.email}}", {
      deal: { id: "d", stage: "lead" },
      sender: { name: "Sam" },
    });
    expect(out).toEqual({ text: "Thanks,\nSam\n\nBye ", missing: ["sender.phone", "sender.email"] });
  });
});
