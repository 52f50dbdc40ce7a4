import { describe, expect, it } from "vitest";
import { call, makeHost } from "./fixtures/http.js";

describe("underwriter calculators in OpenAPI", () => {
  it("should document each calculator's body, response schema and problem statuses", async () => {
    const host = await makeHost();
    const doc = (await call(host, "GET", "/openapi.json")).body;
    for (const kind of ["amortization", "flip", "arv-comps", "mao", "rental"]) {
      const op = doc.paths[`/underwriter/calculate/${kind}`]?.post;
      expect(op, kind).toBeDefined();
      expect(op.requestBody.content["application/json"].schema.type, kind).toBe("object");
      expect(op.responses["200"].content["application/json"].schema.properties.outputs, kind).toBeDefined();
      expect(Object.keys(op.responses), kind).toEqual(expect.arrayContaining(["400", "422"]));
    }
    const rental =
      doc.paths["/underwriter/calculate/rental"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(rental.properties)).toEqual(
      expect.arrayContaining(["rent_monthly", "other_income_monthly", "operating_expenses_monthly"]),
    );
    expect(rental.properties.operating_expenses).toBeUndefined();
    await host.close();
  });
});
