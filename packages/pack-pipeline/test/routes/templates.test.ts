import type { Host } from "@valhalla/host";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, pipelineHost } from "../helpers.js";

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
});
