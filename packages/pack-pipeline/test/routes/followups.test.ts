import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, clock, pipelineHost, seedWithDeal } from "../helpers.js";

describe("pipeline follow-ups and daily tick", () => {
  let host: Host;
  const c = clock("2026-05-04T15:00:00Z");
  beforeEach(async () => {
    c.set("2026-05-04T15:00:00Z");
    host = await pipelineHost({ now: c.now, timezone: "America/New_York", bills: false });
  });
  afterEach(() => host.close());

  const dueFollowup = async () => {
    const deal = await seedWithDeal(host);
    const { followup } = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { followup_days: 2 }))
      .body;
    c.advanceDays(2);
    return { deal, followup };
  };

  it("should draft once for a due follow-up however often the tick runs that day", async () => {
    const { followup } = await dueFollowup();
    const first = await call(host, "POST", "/pipeline/daily_tick");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ day: "2026-05-06", imported: [], stopped: [], deferred: 0 });
    expect(first.body.drafted).toEqual([`run_${followup.id}_20260506`]);
    const second = await call(host, "POST", "/pipeline/daily_tick");
    expect(second.body.drafted).toEqual([]);
    expect(second.body.already_drafted).toEqual([followup.id]);
    c.advanceDays(1);
    // Still unsent the next day: the follow-up keeps its one draft.
    expect((await call(host, "POST", "/pipeline/daily_tick")).body.drafted).toEqual([]);
    const run = await call(host, "GET", `/pipeline/runs/${first.body.drafted[0]}`);
    expect(run.body).toMatchObject({
      origin: "daily_tick",
      for_followup_id: followup.id,
      send_status: "draft",
    });
  });

  it("should honour ?limit= and defer the rest", async () => {
    await dueFollowup();
    const other = (await call(host, "POST", "/wholesale/deals", { address: "2 Oak" })).body;
    c.advanceDays(-2);
    await call(host, "POST", `/pipeline/deal/${other.id}/run`, { followup_days: 2 });
    c.advanceDays(2);
    const res = await call(host, "POST", "/pipeline/daily_tick?limit=1");
    expect(res.body.drafted).toHaveLength(1);
    expect(res.body.deferred).toBe(1);
    expect((await call(host, "POST", "/pipeline/daily_tick?limit=0")).status).toBe(400);
  });

  it("should chain the next follow-up N days after the sent draft", async () => {
    const { followup } = await dueFollowup();
    const runId = (await call(host, "POST", "/pipeline/daily_tick")).body.drafted[0];
    c.advanceDays(1);
    await call(host, "POST", `/pipeline/runs/${runId}/sent`, { channel: "sms", result: "no_answer" });
    const fus = (await call(host, "GET", "/pipeline/followups")).body.items;
    expect(
      fus.map((f: { status: string; due_date: string; sequence: number; parent_id: string | null }) => [
        f.status,
        f.due_date,
        f.sequence,
        f.parent_id,
      ]),
    ).toEqual([
      ["done", "2026-05-06", 1, null],
      ["open", "2026-05-09", 2, followup.id],
    ]);
  });

  it("should stop a chain when the deal dies before the tick", async () => {
    const { deal, followup } = await dueFollowup();
    await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "dead" });
    const res = await call(host, "POST", "/pipeline/daily_tick");
    expect(res.body.drafted).toEqual([]);
    expect(res.body.stopped).toEqual([followup.id]);
    expect((await call(host, "GET", `/pipeline/followups/${followup.id}`)).body).toMatchObject({
      status: "stopped",
      stop_reason: "deal_dead",
    });
  });

  it("should stop a drafted follow-up of a dead deal at the next tick and cancel its draft (#17)", async () => {
    const { deal, followup } = await dueFollowup();
    const runId = (await call(host, "POST", "/pipeline/daily_tick")).body.drafted[0];
    await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "dead" });
    c.advanceDays(1);
    const res = await call(host, "POST", "/pipeline/daily_tick");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ already_drafted: [], stopped: [followup.id] });
    // The tick's draft and the manual run's draft that scheduled the follow-up: both unsent.
    expect(res.body.cancelled).toHaveLength(2);
    expect(res.body.cancelled).toContain(runId);
    expect((await call(host, "GET", `/pipeline/followups/${followup.id}`)).body).toMatchObject({
      status: "stopped",
      stop_reason: "deal_dead",
    });
    expect((await call(host, "GET", `/pipeline/runs/${runId}`)).body).toMatchObject({
      send_status: "cancelled",
      cancel_reason: "deal_dead",
      cancelled_at: "2026-05-07T15:00:00.000Z",
    });
    const brief = (await call(host, "GET", "/brief")).body.sections.find(
      (s: { pack: string }) => s.pack === "pipeline",
    );
    expect(brief.data.due_followups).toEqual([]);
    expect(brief.items).toContainEqual(expect.objectContaining({ label: "Drafts awaiting send", value: 0 }));
    const sent = await call(host, "POST", `/pipeline/runs/${runId}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(sent.status).toBe(409);
    expect(sent.body.type).toMatch(/run-cancelled$/);
    // Nothing left to stop on later ticks.
    expect((await call(host, "POST", "/pipeline/daily_tick")).body).toMatchObject({
      stopped: [],
      cancelled: [],
    });
  });

  it("should stop a closed deal's follow-ups that are not due yet, with the manual draft", async () => {
    const deal = await seedWithDeal(host);
    const { run, followup } = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body;
    await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "closed" });
    const res = await call(host, "POST", "/pipeline/daily_tick");
    expect(res.body).toMatchObject({ stopped: [followup.id], cancelled: [run.id], drafted: [] });
    expect((await call(host, "GET", `/pipeline/runs/${run.id}`)).body.cancel_reason).toBe("deal_closed");
  });

  it("should not chain after completing when the deal closed, and 409 on a second completion", async () => {
    const { deal, followup } = await dueFollowup();
    await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "closed" });
    const done = await call(host, "POST", `/pipeline/followups/${followup.id}/complete`, {});
    expect(done.status).toBe(200);
    expect(done.body.next).toBeNull();
    const again = await call(host, "POST", `/pipeline/followups/${followup.id}/complete`, {});
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/followup-closed$/);
  });

  it("should end the chain after max_followups", async () => {
    await host.close();
    host = await pipelineHost({ now: c.now, bills: false, config: { pipeline: { max_followups: 2 } } });
    const { followup } = await dueFollowup();
    const one = await call(host, "POST", `/pipeline/followups/${followup.id}/complete`, {});
    expect(one.body.next).toMatchObject({ sequence: 2 });
    const two = await call(host, "POST", `/pipeline/followups/${one.body.next.id}/complete`, {});
    expect(two.body.next).toBeNull();
  });

  it("should stop the chain when the contact replied", async () => {
    const { followup } = await dueFollowup();
    const res = await call(host, "POST", `/pipeline/followups/${followup.id}/complete`, { replied: true });
    expect(res.body).toMatchObject({ next: null, followup: { status: "done", stop_reason: "replied" } });
  });

  it("should draft a late-night tick for the recipient's next morning", async () => {
    const deal = await seedWithDeal(host, { timezone: "Europe/Berlin" });
    await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { followup_days: 1 });
    c.set("2026-05-05T21:30:00Z"); // 23:30 in Berlin
    const runId = (await call(host, "POST", "/pipeline/daily_tick")).body.drafted[0];
    const run = (await call(host, "GET", `/pipeline/runs/${runId}`)).body;
    expect(run.send_after).toBe("2026-05-06T06:00:00.000Z"); // 08:00 CEST
  });

  it("should run the same tick as the pack's job and the daily hook", async () => {
    const { pipeline } = await import("../../src/index.js");
    expect(pipeline.jobs?.map((j) => [j.name, j.cron])).toEqual([["daily-tick", "0 8 * * *"]]);
    const { followup } = await dueFollowup();
    const ops = await call(host, "POST", "/ops/daily");
    const tick = ops.body.packs.find((p: { pack: string }) => p.pack === "pipeline");
    expect(tick.result.drafted).toEqual([`run_${followup.id}_20260506`]);
    expect((await call(host, "POST", "/pipeline/daily_tick")).body.drafted).toEqual([]);
  });

  describe("POST /pipeline/followups (#17)", () => {
    it("should create a personal reminder without a deal, listed in the brief when due and completable", async () => {
      const res = await call(host, "POST", "/pipeline/followups", {
        kind: "reminder",
        title: "Renew the LLC filing",
        due_date: "2026-05-05",
        notes: "State portal",
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("location")).toBe(`/pipeline/followups/${res.body.id}`);
      expect(res.body).toMatchObject({
        source: "reminder",
        deal_id: null,
        title: "Renew the LLC filing",
        due_date: "2026-05-05",
        notes: "State portal",
        status: "open",
      });
      c.advanceDays(1);
      const tick = await call(host, "POST", "/pipeline/daily_tick");
      expect(tick.body.drafted).toEqual([]);
      const brief = (await call(host, "GET", "/brief")).body.sections.find(
        (s: { pack: string }) => s.pack === "pipeline",
      );
      expect(brief.data.due_followups).toEqual([
        expect.objectContaining({ id: res.body.id, source: "reminder", title: "Renew the LLC filing" }),
      ]);
      const done = await call(host, "POST", `/pipeline/followups/${res.body.id}/complete`, {});
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ followup: { status: "done" }, next: null });
    });

    it("should create a deal follow-up the tick drafts, superseding the deal's open chain", async () => {
      const deal = await seedWithDeal(host);
      const first = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body;
      const res = await call(host, "POST", "/pipeline/followups", {
        kind: "deal",
        deal_id: deal.id,
        due_date: "2026-05-05",
        channel: "email",
        offer_price: "99000",
        title: "Call back after the inspection",
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        source: "deal",
        deal_id: deal.id,
        title: "Call back after the inspection",
        channel: "email",
        tone: "friendly",
        sequence: 1,
        offer_price_minor: 9_900_000,
      });
      expect((await call(host, "GET", `/pipeline/followups/${first.followup.id}`)).body.stop_reason).toBe(
        "superseded",
      );
      c.advanceDays(1);
      const tick = await call(host, "POST", "/pipeline/daily_tick");
      expect(tick.body.drafted).toEqual([`run_${res.body.id}_20260505`]);
      const run = (await call(host, "GET", `/pipeline/runs/${tick.body.drafted[0]}`)).body;
      expect(run).toMatchObject({ channel: "email", for_followup_id: res.body.id });
      expect(run.body).toContain("Our offer is 99000.00 USD.");
    });

    it("should default a deal follow-up's due date to followup_days from today", async () => {
      const deal = await seedWithDeal(host);
      const res = await call(host, "POST", "/pipeline/followups", { kind: "deal", deal_id: deal.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        due_date: "2026-05-07",
        channel: "sms",
        title: "Follow up on 12 Elm St",
      });
    });

    it.each([
      ["an unknown kind", { kind: "task", title: "x", due_date: "2026-05-05" }, "kind"],
      ["a reminder without a title", { kind: "reminder", due_date: "2026-05-05" }, "title"],
      ["a reminder without a due date", { kind: "reminder", title: "x" }, "due_date"],
      ["a malformed due date", { kind: "reminder", title: "x", due_date: "05/05/2026" }, "due_date"],
      ["a due date in the past", { kind: "reminder", title: "x", due_date: "2026-05-03" }, "due_date"],
      ["a deal follow-up without a deal", { kind: "deal" }, "deal_id"],
      ["an unknown field", { kind: "reminder", title: "x", due_date: "2026-05-05", deal_id: "d" }, "deal_id"],
      ["a bad channel", { kind: "deal", deal_id: "deal_x", channel: "fax" }, "channel"],
    ])("should answer 400 naming the field for %s", async (_what, body, field) => {
      const res = await call(host, "POST", "/pipeline/followups", body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it("should answer 404 for an unknown deal and 409 for a dead one", async () => {
      expect(
        (await call(host, "POST", "/pipeline/followups", { kind: "deal", deal_id: "deal_nope" })).status,
      ).toBe(404);
      const deal = await seedWithDeal(host);
      await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "dead" });
      const res = await call(host, "POST", "/pipeline/followups", { kind: "deal", deal_id: deal.id });
      expect(res.status).toBe(409);
      expect(res.body.type).toMatch(/deal-inactive$/);
    });
  });
});
