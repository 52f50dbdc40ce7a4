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

  describe("a rejected approval (#17)", () => {
    /** A tick draft for a due follow-up, "mark sent" requested and the approval rejected on the host. */
    const rejectedTickDraft = async () => {
      const deal = await seedWithDeal(host);
      const { followup } = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { followup_days: 1 }))
        .body;
      c.advanceDays(1);
      const runId = (await call(host, "POST", "/pipeline/daily_tick")).body.drafted[0] as string;
      await call(host, "PUT", "/system/config", { soft_launch: true });
      const { approval_id } = (
        await call(host, "POST", `/pipeline/runs/${runId}/sent`, { channel: "sms", result: "delivered" })
      ).body;
      expect((await call(host, "POST", `/approvals/${approval_id}/reject`)).status).toBe(200);
      return { followup, runId, approval_id: approval_id as string };
    };

    it("should mark the run rejected and let the next tick draft the follow-up again", async () => {
      // The host's reject already called the pack's `mark-sent:rejected` hook; the route is idempotent.
      const { followup, runId, approval_id } = await rejectedTickDraft();
      const res = await call(host, "POST", `/pipeline/runs/${runId}/approval_rejected`, {
        approval_id,
        reason: "Wrong number",
      });
      expect(res.status).toBe(200);
      expect(res.body.run).toMatchObject({
        id: runId,
        send_status: "rejected",
        approval_id,
        reject_reason: null,
        rejected_at: "2026-05-05T15:00:00.000Z",
        sent_at: null,
      });
      expect(res.body.followup).toMatchObject({
        id: followup.id,
        status: "open",
        draft_run_id: null,
        redrafts: 1,
      });
      const again = await call(host, "POST", `/pipeline/runs/${runId}/approval_rejected`, { approval_id });
      expect(again.status).toBe(200);
      expect(again.body.run.rev).toBe(res.body.run.rev);

      const tick = await call(host, "POST", "/pipeline/daily_tick");
      expect(tick.body.drafted).toEqual([`${runId}_r1`]);
      expect((await call(host, "GET", `/pipeline/followups/${followup.id}`)).body.draft_run_id).toBe(
        `${runId}_r1`,
      );
      const resend = await call(host, "POST", `/pipeline/runs/${runId}/sent`, {
        channel: "sms",
        result: "delivered",
      });
      expect(resend.status).toBe(409);
      expect(resend.body.type).toMatch(/run-rejected$/);
    });

    it("should refuse an approval the run is not waiting on", async () => {
      const { runId } = await rejectedTickDraft();
      const res = await call(host, "POST", `/pipeline/runs/${runId}/approval_rejected`, {
        approval_id: "apr_other",
      });
      expect(res.status).toBe(409);
      expect(res.body.type).toMatch(/approval-mismatch$/);
      const bad = await call(host, "POST", `/pipeline/runs/${runId}/approval_rejected`, {});
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe("approval_id");
      expect(
        (await call(host, "POST", "/pipeline/runs/run_nope/approval_rejected", { approval_id: "apr_x" }))
          .status,
      ).toBe(404);
    });

    it("should offer the same through the pack's 'mark-sent:rejected' hook for the host", async () => {
      const { pipeline } = await import("../src/index.js");
      const { followup, runId, approval_id } = await rejectedTickDraft();
      const hook = pipeline.outbound?.["mark-sent:rejected"];
      expect(hook).toBeTypeOf("function");
      await hook?.(host.registry.context("pipeline"), { run_id: runId, approval_id, reason: null });
      expect((await call(host, "GET", `/pipeline/runs/${runId}`)).body.send_status).toBe("rejected");
      expect((await call(host, "GET", `/pipeline/followups/${followup.id}`)).body.draft_run_id).toBeNull();
    });
  });
});
