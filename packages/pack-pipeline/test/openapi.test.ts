import { describe, expect, it } from "vitest";
import { call, pipelineHost } from "./helpers.js";

describe("pipeline routes in OpenAPI", () => {
  it("should document a response schema and the problem statuses of the routes #17 added or changed", async () => {
    const host = await pipelineHost();
    const doc = (await call(host, "GET", "/openapi.json")).body;
    const routes: [string, string, string, number[]][] = [
      ["post", "/pipeline/templates/{id}/preview", "200", [400, 404]],
      ["post", "/pipeline/followups", "201", [400, 404, 409]],
      ["post", "/pipeline/runs/{id}/approval_rejected", "200", [400, 404, 409]],
      ["post", "/pipeline/runs/{id}/sent", "200", [400, 404, 409]],
      ["post", "/pipeline/deal/{dealId}/run", "201", [400, 404, 409, 422]],
      ["post", "/pipeline/followups/{id}/complete", "200", [400, 404, 409]],
      ["post", "/pipeline/daily_tick", "200", [400]],
    ];
    for (const [method, path, ok, errors] of routes) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.responses[ok].content["application/json"].schema, `${method} ${path}`).toBeTypeOf("object");
      for (const status of errors) expect(op.responses[String(status)], `${path} ${status}`).toBeDefined();
    }
    const tick = doc.paths["/pipeline/daily_tick"].post.responses["200"].content["application/json"].schema;
    expect(Object.keys(tick.properties)).toEqual(expect.arrayContaining(["cancelled", "warnings"]));
    await host.close();
  });
});
