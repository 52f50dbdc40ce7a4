import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, clock, pipelineHost, seedWithDeal } from "../helpers.js";

describe("pipeline run routes", () => {
  let host: Host;
  const c = clock("2026-05-04T15:00:00Z"); // 11:00 in New York
  beforeEach(async () => {
    c.set("2026-05-04T15:00:00Z");
    host = await pipelineHost({ now: c.now, timezone: "America/New_York" });
  });
  afterEach(() => host.close());

  it("should build a draft from the deal and a follow-up due in N days", async () => {
    const deal = await seedWithDeal(host);
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {
      channel: "email",
      followup_days: 5,
    });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({
      deal_id: deal.id,
      channel: "email",
      subject: "About 12 Elm St",
      origin: "manual",
      send_status: "draft",
      day: "2026-05-04",
      recipient_timezone: "America/New_York",
      send_after: "2026-05-04T15:00:00.000Z",
      next_followup_id: res.body.followup.id,
      missing_fields: ["deal.offer_price", "sender.name", "sender.company", "sender.phone", "sender.email"],
    });
    // The default email quotes the offer (none chosen here), never the MAO.
    expect(res.body.run.body).not.toContain("125000.00");
    expect(res.body.followup).toMatchObject({
      deal_id: deal.id,
      due_date: "2026-05-09",
      status: "open",
      sequence: 1,
    });
    expect(res.headers.get("location")).toBe(`/pipeline/runs/${res.body.run.id}`);
    const runs = await call(host, "GET", `/pipeline/runs?deal_id=${deal.id}`);
    expect(runs.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.run.id]);
  });

  it("should quote the chosen offer and sign with the configured sender, for the whole chain (#17)", async () => {
    await host.close();
    host = await pipelineHost({
      now: c.now,
      timezone: "America/New_York",
      config: {
        pipeline: { sender: { name: "Sam Buyer", company: "Acme Homes", phone: "+1 555 010 0199" } },
      },
    });
    const deal = await seedWithDeal(host);
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {
      channel: "email",
      offer_price: "98000",
      followup_days: 1,
    });
    expect(res.status).toBe(201);
    expect(res.body.run.body).toBe(
      "Hi Ada,\n\nI wanted to follow up on 12 Elm St. Our offer is 98000.00 USD. Would you like to talk this week?\n\nSam Buyer\nAcme Homes\n+1 555 010 0199",
    );
    expect(res.body.run.missing_fields).toEqual(["sender.email"]);
    expect(res.body.followup.offer_price_minor).toBe(9_800_000);
    c.advanceDays(1);
    const tick = await call(host, "POST", "/pipeline/daily_tick");
    const drafted = await call(host, "GET", `/pipeline/runs/${tick.body.drafted[0]}`);
    expect(drafted.body.body).toContain("Our offer is 98000.00 USD.");
  });

  it("should answer 400 naming offer_price when it is not an amount of the deal's currency", async () => {
    const deal = await seedWithDeal(host);
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { offer_price: "98000.123" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors[0]).toMatchObject({ field: "offer_price", pointer: "/body/offer_price" });
  });

  it("should say so in warnings when the requested tone has no template (#17)", async () => {
    const deal = await seedWithDeal(host);
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { channel: "sms", tone: "firm" });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ template_id: "tpl_default_sms", tone: "friendly" });
    expect(res.body.warnings).toEqual([
      {
        code: "tone-fallback",
        field: "tone",
        message: "No active sms template has tone 'firm'; used 'tpl_default_sms' (friendly) instead",
      },
    ]);
    const firm = await call(host, "POST", "/pipeline/templates", {
      name: "Firm sms",
      channel: "sms",
      tone: "firm",
      body: "{{deal.seller_name}}, last call on {{deal.address}}.",
    });
    const exact = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { channel: "sms", tone: "firm" });
    expect(exact.body.run.template_id).toBe(firm.body.id);
    expect(exact.body.warnings).toEqual([]);
  });

  it("should warn about merge fields that rendered empty", async () => {
    const deal = await seedWithDeal(host, { seller_name: null });
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { channel: "sms" });
    expect(res.body.warnings).toEqual([
      {
        code: "merge-fields-missing",
        message: "These merge fields had no value and rendered empty: {{deal.seller_name}}",
      },
    ]);
  });

  it("should answer 404 for an unknown deal and 409 for a dead one", async () => {
    const deal = await seedWithDeal(host);
    expect((await call(host, "POST", "/pipeline/deal/deal_nope/run", {})).status).toBe(404);
    await call(host, "PATCH", `/wholesale/deals/${deal.id}`, { stage: "dead" });
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {});
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/deal-inactive$/);
  });

  it("should answer 422 naming the channel when no template exists", async () => {
    const deal = (await call(host, "POST", "/wholesale/deals", { address: "1 A St" })).body;
    const res = await call(host, "POST", `/pipeline/deal/${deal.id}/run`, { channel: "sms" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("channel");
  });

  it("should mark a run sent idempotently and refuse a conflicting second result", async () => {
    const deal = await seedWithDeal(host);
    const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
    const first = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      send_status: "sent",
      sent_channel: "sms",
      result: "delivered",
      sent_at: "2026-05-04T15:00:00.000Z",
    });
    const again = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(again.status).toBe(200);
    expect(again.body.rev).toBe(first.body.rev);
    const other = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "call_note",
      result: "replied",
    });
    expect(other.status).toBe(409);
    expect(other.body.type).toMatch(/already-sent$/);
  });

  it("should answer 400 naming a bad result", async () => {
    const deal = await seedWithDeal(host);
    const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
    const res = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
      channel: "sms",
      result: "maybe",
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("result");
  });

  it("should stop the deal's follow-ups when the contact replied", async () => {
    const deal = await seedWithDeal(host);
    const { run, followup } = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body;
    await call(host, "POST", `/pipeline/runs/${run.id}/sent`, { channel: "sms", result: "replied" });
    const fu = await call(host, "GET", `/pipeline/followups/${followup.id}`);
    expect(fu.body).toMatchObject({ status: "stopped", stop_reason: "replied" });
  });

  it("should supersede an earlier open chain when a deal is run again", async () => {
    const deal = await seedWithDeal(host);
    const first = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body;
    const second = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body;
    const open = await call(host, "GET", `/pipeline/followups?deal_id=${deal.id}&status=open`);
    expect(open.body.items.map((f: { id: string }) => f.id)).toEqual([second.followup.id]);
    expect((await call(host, "GET", `/pipeline/followups/${first.followup.id}`)).body.stop_reason).toBe(
      "superseded",
    );
  });

  describe("quiet hours", () => {
    it("should schedule a late-night draft for 08:00 in the recipient's zone", async () => {
      const deal = await seedWithDeal(host, { timezone: "America/Los_Angeles" });
      c.set("2026-05-05T05:30:00Z"); // 22:30 PDT on May 4
      const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
      expect(run.send_after).toBe("2026-05-05T15:00:00.000Z"); // 08:00 PDT
    });

    it("should record a send the user made in quiet hours instead of refusing it (#17)", async () => {
      const deal = await seedWithDeal(host, { timezone: "America/Los_Angeles" });
      c.set("2026-05-05T05:30:00Z"); // 22:30 PDT on May 4
      const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
      const late = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
        channel: "sms",
        result: "delivered",
      });
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({ send_status: "sent", sent_at: "2026-05-05T05:30:00.000Z" });
    });

    it("should take when it was sent from sent_at, and refuse a future or malformed one naming it", async () => {
      const deal = await seedWithDeal(host);
      const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
      const future = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
        channel: "sms",
        result: "delivered",
        sent_at: "2026-05-04T16:00:00Z",
      });
      expect(future.status).toBe(400);
      expect(future.body.errors).toEqual([
        { pointer: "/body/sent_at", field: "sent_at", message: "must not be in the future" },
      ]);
      const junk = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
        channel: "sms",
        result: "delivered",
        sent_at: "yesterday",
      });
      expect(junk.status).toBe(400);
      expect(junk.body.errors[0].field).toBe("sent_at");
      const ok = await call(host, "POST", `/pipeline/runs/${run.id}/sent`, {
        channel: "sms",
        result: "delivered",
        sent_at: "2026-05-04T02:10:00Z", // 22:10 the evening before in New York
      });
      expect(ok.status).toBe(200);
      expect(ok.body.sent_at).toBe("2026-05-04T02:10:00.000Z");
    });

    it("should fall back to the configured recipient zone when the deal has none", async () => {
      await host.close();
      host = await pipelineHost({
        now: c.now,
        timezone: "UTC",
        config: { pipeline: { recipient_timezone: "Asia/Tokyo" } },
      });
      const deal = await seedWithDeal(host, { timezone: null });
      c.set("2026-05-04T15:00:00Z"); // 00:00 in Tokyo
      const run = (await call(host, "POST", `/pipeline/deal/${deal.id}/run`, {})).body.run;
      expect(run.recipient_timezone).toBe("Asia/Tokyo");
      expect(run.send_after).toBe("2026-05-04T23:00:00.000Z");
    });
  });
});
