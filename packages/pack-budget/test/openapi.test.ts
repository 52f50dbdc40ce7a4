import { afterEach, describe, expect, it } from "vitest";
import { budgetHost } from "./helpers.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("budget OpenAPI", () => {
  it("should document the account, import, inbox, reconcile, report and recurring routes with response schemas", async () => {
    const h = await budgetHost({ now: "2026-01-15T12:00:00Z", withBills: false });
    cleanups.push(() => h.host.close());
    const doc = await h.call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    const ops: [string, string, string][] = [
      ["/budget/accounts", "post", "201"],
      ["/budget/accounts", "get", "200"],
      ["/budget/accounts/{id}", "get", "200"],
      ["/budget/accounts/{id}", "patch", "200"],
      ["/budget/accounts/{id}/balance/rebuild", "post", "200"],
      ["/budget/accounts/{id}/import", "post", "200"],
      ["/budget/accounts/{id}/reconcile", "post", "200"],
      ["/budget/transfers", "post", "201"],
      ["/budget/transfers/{id}", "get", "200"],
      ["/budget/transfers/{id}/void", "post", "200"],
      ["/budget/inbox", "get", "200"],
      ["/budget/inbox/{id}/categorise", "post", "200"],
      ["/budget/reports/spending", "get", "200"],
      ["/budget/recurring-suggestions", "get", "200"],
    ];
    for (const [path, method, status] of ops) {
      const op = doc.body.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.responses[status].content["application/json"].schema, `${method} ${path}`).toBeDefined();
      expect(
        Object.keys(op.responses).some((s) => s.startsWith("4")),
        `${method} ${path}`,
      ).toBe(true);
    }
    const importBody =
      doc.body.paths["/budget/accounts/{id}/import"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(importBody.properties)).toEqual(
      expect.arrayContaining(["format", "content", "mapping", "preset", "dry_run"]),
    );
  });
});
