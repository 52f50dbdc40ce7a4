import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Host } from "@valhalla/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buyer, call, dealAt, makeHost } from "./helpers.js";

describe("dispo on the embedded sqlite store", () => {
  const dir = mkdtempSync(join(tmpdir(), "valhalla-dispo-"));
  const storage = `sqlite:${join(dir, "test.db")}`;
  let host: Host;
  beforeAll(async () => {
    host = await makeHost({ storage, now: new Date("2026-03-01T12:00:00Z") });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should match, assign, fall out, promote the backup and close the deal", async () => {
    const deal = await dealAt(host, "contract", { contract_price: "70000", property_zip: "46201" });
    const a = await buyer(host, { name: "A", buy_box: { zips: ["46201"] } });
    const b = await buyer(host, { name: "B", proof_of_funds: { amount: "1", expires_on: "2026-01-01" } });
    const c = await buyer(host, { name: "C", buy_box: { funding: "financed" } });

    const matches = await call(host, "GET", `/dispo/deals/${deal.id}/matches`);
    // A: ZIP 30 + 25 + 15 + 15 + 0 = 85; C: any 15 + 25 + 15 + 8 + 0 = 63; B expired.
    expect(matches.body.matches.map((m: any) => [m.name, m.score])).toEqual([
      ["A", 85],
      ["C", 63],
    ]);
    expect(matches.body.excluded.map((x: any) => x.buyer_id)).toEqual([b.id]);

    const first = (
      await call(host, "POST", "/dispo/assignments", {
        deal_id: deal.id,
        buyer_id: a.id,
        assignment_price: "80000",
      })
    ).body;
    const backup = (
      await call(host, "POST", "/dispo/assignments", {
        deal_id: deal.id,
        buyer_id: c.id,
        assignment_price: "78000",
      })
    ).body;
    expect(backup).toMatchObject({ status: "backup", position: 1 });
    expect((await call(host, "PATCH", `/dispo/assignments/${first.id}`, { status: "assigned" })).status).toBe(
      200,
    );
    const stale = await call(
      host,
      "PATCH",
      `/dispo/assignments/${first.id}`,
      { notes: "x" },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    await call(host, "PATCH", `/dispo/assignments/${first.id}`, { status: "fallout", reason: "no show" });
    const promoted = await call(host, "GET", `/dispo/assignments/by-deal/${deal.id}`);
    expect(promoted.body.items[0]).toMatchObject({ id: backup.id, status: "offered", position: null });
    await call(host, "PATCH", `/dispo/assignments/${backup.id}`, { status: "assigned" });
    const closed = await call(host, "PATCH", `/dispo/assignments/${backup.id}`, { status: "closed" });
    expect(closed.body).toMatchObject({ status: "closed", assignment_fee_minor: 800_000 });
    const finalDeal = (await call(host, "GET", `/wholesale/${deal.id}`)).body;
    expect(finalDeal).toMatchObject({
      stage: "closed",
      expected_spread_minor: 800_000,
      spread_basis: "assignment",
    });
  });
});
