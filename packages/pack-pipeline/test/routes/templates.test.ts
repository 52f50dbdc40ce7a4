import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, pipelineHost, seedWithDeal } from "../helpers.js";

describe("pipeline template routes", () => {
  let host: Host;
  beforeEach(async () => {
    host = await pipelineHost();
  });
  afterEach(() => host.close());

  it("should save a template per channel and tone", async () => {
    const res = await call(host, "POST", "/pipeline/templates", {
      name: "Firm email",
      channel: "email",
      tone: "firm",
      subject: "Offer for {{deal.address}}",
      body: "We can pay {{deal.mao}}.",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: "email", tone: "firm", active: true, rev: 1 });
    expect(res.body.id).toMatch(/^tpl_/);
    expect(res.headers.get("location")).toBe(`/pipeline/templates/${res.body.id}`);
    const list = await call(host, "GET", "/pipeline/templates?channel=email");
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([res.body.id]);
  });

  it("should answer 400 naming an unknown merge field when saving", async () => {
    const res = await call(host, "POST", "/pipeline/templates", {
      name: "Typo",
      channel: "sms",
      body: "Hi {{deal.seller}}",
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/validation-failed$/);
    expect(res.body.detail).toContain("'{{deal.seller}}'");
    expect(res.body.errors).toEqual([expect.objectContaining({ field: "body", pointer: "/body/body" })]);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("should check merge fields on PATCH too", async () => {
    const saved = await call(host, "POST", "/pipeline/templates", { name: "A", channel: "sms", body: "Hi" });
    const res = await call(host, "PATCH", `/pipeline/templates/${saved.body.id}`, { subject: "{{nope}}" });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: "subject" });
    const ok = await call(host, "PATCH", `/pipeline/templates/${saved.body.id}`, {
      body: "Hi {{deal.seller_name}}",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.rev).toBe(2);
  });

  it("should answer 400 naming a bad channel", async () => {
    const res = await call(host, "POST", "/pipeline/templates", { name: "A", channel: "fax", body: "Hi" });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("channel");
  });

  it("should list the known merge fields", async () => {
    const res = await call(host, "GET", "/pipeline/templates/merge_fields");
    expect(res.status).toBe(200);
    expect(res.body.fields).toContain("deal.mao");
  });

  it("should list the offer, contract price and sender merge fields", async () => {
    const res = await call(host, "GET", "/pipeline/templates/merge_fields");
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        "deal.offer_price",
        "deal.contract_price",
        "sender.name",
        "sender.company",
        "sender.phone",
        "sender.email",
      ]),
    );
  });

  describe("POST /pipeline/templates/:id/preview", () => {
    beforeEach(async () => {
      await host.close();
      host = await pipelineHost({
        config: { pipeline: { sender: { name: "Sam Buyer", email: "sam@acme.test" } } },
      });
    });

    it("should render the template with the deal, offer and sender and store nothing", async () => {
      const deal = await seedWithDeal(host);
      const res = await call(host, "POST", "/pipeline/templates/tpl_default_email/preview", {
        deal_id: deal.id,
        offer_price: "97500.50",
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        template_id: "tpl_default_email",
        deal_id: deal.id,
        channel: "email",
        tone: "friendly",
        subject: "About 12 Elm St",
        body: "Hi Ada,\n\nI wanted to follow up on 12 Elm St. Our offer is 97500.50 USD. Would you like to talk this week?\n\nSam Buyer\nsam@acme.test",
        missing_fields: ["sender.company", "sender.phone"],
      });
      expect((await call(host, "GET", "/pipeline/runs")).body.items).toEqual([]);
      expect((await call(host, "GET", "/pipeline/followups")).body.items).toEqual([]);
    });

    it("should use the contract price field of the deal", async () => {
      const deal = await seedWithDeal(host);
      const tpl = await call(host, "POST", "/pipeline/templates", {
        name: "Contract",
        channel: "sms",
        body: "Under contract at {{deal.contract_price}}; offer was {{deal.offer_price}}",
      });
      const res = await call(host, "POST", `/pipeline/templates/${tpl.body.id}/preview`, {
        deal_id: deal.id,
      });
      expect(res.body.body).toBe("Under contract at ; offer was ");
      expect(res.body.missing_fields).toEqual(["deal.contract_price", "deal.offer_price"]);
    });

    it("should answer 404 for an unknown template or deal and 400 naming a bad field", async () => {
      const deal = await seedWithDeal(host);
      const noTpl = await call(host, "POST", "/pipeline/templates/tpl_nope/preview", { deal_id: deal.id });
      expect(noTpl.status).toBe(404);
      const noDeal = await call(host, "POST", "/pipeline/templates/tpl_default_sms/preview", {
        deal_id: "deal_nope",
      });
      expect(noDeal.status).toBe(404);
      const bad = await call(host, "POST", "/pipeline/templates/tpl_default_sms/preview", {});
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe("deal_id");
    });

    it("should refuse an invalid sender profile in config at start", async () => {
      await expect(
        pipelineHost({ config: { pipeline: { sender: { name: "Sam", email: "not-an-email" } } } }),
      ).rejects.toThrow(/sender/);
    });
  });
});
