import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, clock, pipelineHost, seedWithDeal } from "./helpers.js";

describe("pipeline in soft-launch mode", () => {
  let host: Host;
  const c = clock("2026-05-04T15:00:00Z");
  beforeEach(async () => {
    c.set("2026-05-04T15:00:00Z");
    host = await pipelineHost({ now: c.now, timezone: "America/New_York" });
  });
  afterEach(() => host.close());

  const draftedRun = async () => {
    const deal = await seedWithDeal(host);
    await call(host, "PUT", "/system/config", { soft_launch: true });
    return (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run as { id: string };
  };

  it("should turn 'mark sent' into one approval request instead of acting", async () => {
    const run = await draftedRun();
    const res = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: "pending_approval",
      run: { send_status: "pending_approval", sent_at: null },
    });
    const again = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(again.status).toBe(202);
    expect(again.body.approval_id).toBe(res.body.approval_id);
    const list = await call(host, "GET", "/approvals?status=pending");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: res.body.approval_id,
        pack: "pipeline",
        kind: "mark-sent",
        record_id: run.id,
        payload: { run_id: run.id, channel: "sms", result: "delivered" },
      }),
    ]);
  });

  it("should act when approved, once", async () => {
    const run = await draftedRun();
    const { approval_id } = (
      await call(host, "POST", `/pipeline/runs/${run.id}/sent`, { channel: "sms", result: "delivered" })
    ).body;
    const ok = await call(host, "POST", `/approvals/${approval_id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "approved", result: { id: run.id, send_status: "sent" } });
    expect((await call(host, "GET", `/pipeline/runs/${run.id}`)).body).toMatchObject({
      send_status: "sent",
      result: "delivered",
    });
    const twice = await call(host, "POST", `/approvals/${approval_id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.body.type).toMatch(/approval-decided$/);
  });

  it("should leave the run unsent when rejected", async () => {
    const run = await draftedRun();
    const { approval_id } = (
      await call(host, "POST", `/pipeline/runs/${run.id}/sent`, { channel: "sms", result: "delivered" })
    ).body;
    const res = await call(host, "POST", `/approvals/${approval_id}/reject`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("rejected");
    expect((await call(host, "GET", `/pipeline/runs/${run.id}`)).body.sent_at).toBeNull();
  });

  it("should act when approved inside quiet hours: it records a send already made (#17)", async () => {
    const run = await draftedRun();
    const { approval_id } = (
      await call(host, "POST", `/pipeline/runs/${run.id}/sent`, { channel: "sms", result: "delivered" })
    ).body;
    c.set("2026-05-05T03:00:00Z"); // 23:00 in New York
    const res = await call(host, "POST", `/approvals/${approval_id}/approve`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "approved", result: { id: run.id, send_status: "sent" } });
  });
});
