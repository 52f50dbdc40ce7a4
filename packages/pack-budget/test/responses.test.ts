import { afterEach, describe, expect, it } from "vitest";
import {
  AllocationResponse,
  BucketPageResponse,
  BucketResponse,
  BucketViewResponse,
  BufferCheckResponse,
  CategoriesResponse,
  CategoryResponse,
  EntryListResponse,
  EntryResponse,
  EntryViewResponse,
  HouseRecordResponse,
  HouseResponse,
  RuleResponse,
  RulesApplyResponse,
  RulesResponse,
  SnapshotResponse,
  TotalsRebuildResponse,
} from "../src/response-schemas.js";
import { budgetHost, conforms } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// The documented response schemas (they make /openapi.json) hold for real answers with real data:
// buckets with figures, entries, a void, rules, a closed month.
describe("budget responses match the API reference", () => {
  it("should answer the house, category, bucket, month, ledger and rule routes as documented", async () => {
    const { host, call } = await budgetHost({ now: "2026-01-15T12:00:00Z" });
    cleanups.push(() => host.close());
    const ok = async (status: number, p: Promise<{ status: number; body: unknown }>) => {
      const res = await p;
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body;
    };

    conforms(
      HouseRecordResponse,
      await ok(
        200,
        call("PUT", "/budget/house", {
          income_streams: [{ name: "Salary", monthly: "5000.00" }],
          buffer_target: "500",
        }),
      ),
    );
    expect(conforms(HouseResponse, await ok(200, call("GET", "/budget/house")))).toMatchObject({
      income_target_minor: 500000,
    });
    conforms(
      CategoryResponse,
      await ok(201, call("POST", "/budget/categories", { slug: "pets", name: "Pets" })),
    );
    expect(
      conforms(CategoriesResponse, await ok(200, call("GET", "/budget/categories"))).items,
    ).toContainEqual({
      slug: "pets",
      name: "Pets",
      builtin: false,
    });

    const bucket = conforms(
      BucketResponse,
      await ok(
        201,
        call("POST", "/budget/buckets", {
          name: "Groceries",
          type: "essentials",
          monthly_limit: "900",
          priority: "A",
        }),
      ),
    );
    conforms(BucketPageResponse, await ok(200, call("GET", "/budget/buckets")));
    conforms(
      BucketResponse,
      await ok(200, call("PATCH", `/budget/buckets/${bucket.id}`, { monthly_limit: "950" })),
    );
    conforms(
      AllocationResponse,
      await ok(200, call("PUT", `/budget/months/2026-01/allocations/${bucket.id}`, { amount: "1000" })),
    );

    const rule = conforms(
      RuleResponse,
      await ok(
        201,
        call("POST", "/budget/rules", {
          name: "walmart",
          payee_contains: "walmart",
          set_bucket_id: bucket.id,
        }),
      ),
    );
    conforms(RuleResponse, await ok(200, call("PATCH", `/budget/rules/${rule.id}`, { name: "Walmart" })));
    expect(conforms(RulesResponse, await ok(200, call("GET", "/budget/rules"))).items).toHaveLength(1);

    const entry = conforms(
      EntryResponse,
      await ok(
        201,
        call("POST", "/budget/transactions", {
          kind: "expense",
          amount: "120.00",
          date: "2026-01-02",
          payee: "WALMART #4",
        }),
      ),
    );
    conforms(
      EntryResponse,
      await ok(
        201,
        call("POST", "/budget/transactions", { kind: "income", amount: "5000", date: "2026-01-01" }),
      ),
    );
    conforms(EntryListResponse, await ok(200, call("GET", "/budget/transactions?month=2026-01")));
    conforms(EntryResponse, await ok(201, call("POST", `/budget/transactions/${entry.id}/void`)));
    expect(
      conforms(EntryViewResponse, await ok(200, call("GET", `/budget/transactions/${entry.id}`))).voided_by,
    ).toMatch(/_void$/);
    conforms(RulesApplyResponse, await ok(200, call("POST", "/budget/rules/apply?month=2026-01")));

    expect(
      conforms(BucketViewResponse, await ok(200, call("GET", `/budget/buckets/${bucket.id}?month=2026-01`)))
        .figures,
    ).toMatchObject({ allocated_minor: 100000 });
    const snapshot = conforms(SnapshotResponse, await ok(200, call("GET", "/budget/snapshot?month=2026-01")));
    expect(snapshot.buckets).toHaveLength(1);
    conforms(SnapshotResponse, await ok(200, call("GET", "/budget/months/2026-01")));
    conforms(BufferCheckResponse, await ok(200, call("GET", "/budget/buffer_check?month=2026-01")));
    conforms(TotalsRebuildResponse, await ok(200, call("POST", "/budget/months/2026-01/totals/rebuild")));
    expect(
      conforms(SnapshotResponse, await ok(201, call("POST", "/budget/months/2026-01/close"))).status,
    ).toBe("closed");
    conforms(SnapshotResponse, await ok(200, call("GET", "/budget/months/2026-01")));
    expect((await call("DELETE", `/budget/rules/${rule.id}`)).status).toBe(204);
  });
});
