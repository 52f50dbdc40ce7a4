import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Host } from "@valhalla/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asPartner, call, dealAt, makeHost } from "./helpers.js";

describe("wholesale on the embedded sqlite store", () => {
  const dir = mkdtempSync(join(tmpdir(), "valhalla-wholesale-"));
  const file = join(dir, "test.db");
  let host: Host;
  beforeAll(async () => {
    host = await makeHost(`sqlite:${file}`);
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should run a deal from lead to closed with its log, summary and board, and survive a reopen", async () => {
    const deal = await dealAt(host, ["offer", "contract"], {
      mao: "100000",
      contract_price: "85000",
      partner_id: "jv_ann",
      seller_motivation: "relocating",
    });
    const assigned = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "assignment" });
    expect(assigned.status).toBe(200);
    const rejected = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "offer" });
    expect(rejected.status).toBe(409);
    expect(rejected.body.allowed).toEqual(["closed", "contract", "dead", "on_hold"]);
    const stale = await call(host, "PATCH", `/wholesale/${deal.id}`, { notes: "x" }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "closed" });

    const summary = await call(host, "GET", "/wholesale/summary");
    expect(summary.body.stages.closed.count).toBe(1);
    const board = await call(host, "GET", "/wholesale/board", undefined, await asPartner(host, "jv_ann"));
    expect(board.body.items).toHaveLength(1);
    expect(board.body.items[0]).not.toHaveProperty("seller_motivation");

    await host.close();
    host = await makeHost(`sqlite:${file}`);
    const again = await call(host, "GET", `/wholesale/${deal.id}`);
    expect(again.body).toMatchObject({ stage: "closed", expected_spread_minor: 1_500_000, rev: 5 });
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(log.body.items.map((a: any) => a.data?.to ?? a.type)).toEqual([
      "created",
      "offer",
      "contract",
      "assignment",
      "closed",
    ]);
  });
});
