import type { Host } from "@valhalla/host";
import { beforeEach, describe, expect, it } from "vitest";
import { call, dealAt, makeHost } from "../helpers.js";

const PROBLEM = "https://valhalla.dev/problems/";

describe("routes: activities", () => {
  let host: Host;
  beforeEach(async () => {
    host = await makeHost();
  });

  it("should log creation and every stage change with actor and time, oldest first", async () => {
    const created = await call(host, "POST", "/wholesale", {}, { "x-actor": "ann" });
    const id = created.body.id;
    await call(host, "POST", `/wholesale/${id}/stage`, { to: "offer" }, { "x-actor": "bob" });
    await call(host, "POST", `/wholesale/${id}/stage`, { to: "dead", reason: "seller sold to a flipper" });
    const res = await call(host, "GET", `/wholesale/${id}/activities`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((a: any) => [a.type, a.actor, a.data])).toEqual([
      ["created", "ann", null],
      ["stage_change", "bob", { from: "lead", to: "offer", reason: null }],
      ["stage_change", "anonymous", { from: "offer", to: "dead", reason: "seller sold to a flipper" }],
    ]);
    for (const a of res.body.items) {
      expect(a.deal_id).toBe(id);
      expect(Number.isNaN(Date.parse(a.at))).toBe(false);
    }
  });

  it("should not log a rejected stage change", async () => {
    const deal = await dealAt(host, []);
    const res = await call(host, "POST", `/wholesale/${deal.id}/stage`, { to: "closed" });
    expect(res.status).toBe(409);
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities`);
    expect(log.body.items.map((a: any) => a.type)).toEqual(["created"]);
  });

  it("should append a user activity and answer 201", async () => {
    const deal = await dealAt(host, []);
    const res = await call(
      host,
      "POST",
      `/wholesale/${deal.id}/activities`,
      { type: "call", description: "Seller wants 30-day close" },
      { "x-actor": "caller-7" },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ deal_id: deal.id, type: "call", actor: "caller-7", data: null });
    expect(res.body.id).toMatch(/^act_/);
    const log = await call(host, "GET", `/wholesale/${deal.id}/activities?limit=1`);
    expect(log.body.items).toHaveLength(1);
    const rest = await call(host, "GET", `/wholesale/${deal.id}/activities?cursor=${log.body.next_cursor}`);
    expect(rest.body.items.map((a: any) => a.type)).toEqual(["call"]);
  });

  it.each([
    [{ type: "stage_change", description: "forged" }, "type"],
    [{ type: "note" }, "description"],
    [{ type: "note", description: "" }, "description"],
    [{ type: "note", description: "x", actor: "me" }, "actor"],
  ])("should answer 400 naming the field for %j", async (body, field) => {
    const deal = await dealAt(host, []);
    const res = await call(host, "POST", `/wholesale/${deal.id}/activities`, body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(res.body.errors[0].field).toBe(field);
  });

  it("should answer 400 naming x-actor when the header is malformed", async () => {
    const deal = await dealAt(host, []);
    const res = await call(
      host,
      "POST",
      `/wholesale/${deal.id}/activities`,
      { type: "note", description: "x" },
      { "x-actor": "<script>" },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("x-actor");
  });

  it("should answer 404 for activities of an unknown deal and 415 for a non-JSON body", async () => {
    const missing = await call(host, "POST", "/wholesale/deal_missing/activities", {
      type: "note",
      description: "x",
    });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe(`${PROBLEM}not-found`);
    const deal = await dealAt(host, []);
    const res = await call(host, "POST", `/wholesale/${deal.id}/activities`, "note", {
      "content-type": "text/plain",
    });
    expect(res.status).toBe(415);
  });
});
