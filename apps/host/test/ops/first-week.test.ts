import { bills } from "@valhalla/pack-bills";
import { pipeline } from "@valhalla/pack-pipeline";
import { wholesale } from "@valhalla/pack-wholesale";
import { addDays } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { call, testHost } from "../helpers.js";

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

/**
 * Issue #17's first week, through HTTP with the real bills, wholesale and pipeline packs: rent paid
 * late inside its grace period in two parts, a deal that dies with a draft pending, and a rejected
 * approval. Each day the operator reads the brief, the way the ops board does every morning.
 */
describe("first weeks with the real packs", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should keep late rent visible until paid in full, stop a dead deal's follow-ups and resolve a rejected draft", async () => {
    let now = new Date("2026-11-28T15:00:00Z"); // 09:00 in Chicago
    host = await testHost({
      packs: [wholesale, bills, pipeline],
      timezone: "America/Chicago",
      now: () => now,
    });
    const day = (iso: string) => {
      now = new Date(`${iso}T15:00:00Z`);
    };
    const send = async (method: string, path: string, body?: unknown) =>
      json(await call(host, method, path, body));
    const billsBrief = async () =>
      (await send("GET", "/brief")).body.sections.find((s: { pack: string }) => s.pack === "bills");

    await send("POST", "/boot/seed_minimum"); // soft launch on: sends wait for approval
    const rent = await send("POST", "/bills", {
      name: "Rent",
      payee: "Landlord LLC",
      currency: "USD",
      amount: "1500.00",
      cadence: "monthly",
      anchor_date: "2026-01-01",
      grace_days: 3,
      tracked_from: "2026-11-01",
    });
    expect(rent.status).toBe(201);
    const deal = await send("POST", "/wholesale", { property_address: "12 Elm St", seller_name: "Pat" });
    const drafted = await send("POST", `/pipeline/deal/${deal.body.id}/run`, { channel: "sms" });
    expect(drafted.status).toBe(201);

    // A second deal's draft is sent, its approval rejected: the draft is resolved, not stuck.
    const other = await send("POST", "/wholesale", { property_address: "3 Oak Ave", seller_name: "Lee" });
    const otherRun = (await send("POST", `/pipeline/deal/${other.body.id}/run`, { channel: "sms" })).body.run;
    const queued = await send("POST", `/pipeline/runs/${otherRun.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(queued.status).toBe(202);
    expect((await send("POST", `/approvals/${queued.body.approval_id}/reject`)).status).toBe(200);
    expect((await send("GET", `/pipeline/runs/${otherRun.id}`)).body.send_status).toBe("rejected");

    // The first deal's draft waits for approval when the deal dies: its draft is cancelled.
    const waiting = await send("POST", `/pipeline/runs/${drafted.body.run.id}/sent`, {
      channel: "sms",
      result: "delivered",
    });
    expect(waiting.status).toBe(202);
    expect(
      (
        await send("POST", `/wholesale/${deal.body.id}/stage`, {
          to: "dead",
          reason: "seller sold elsewhere",
        })
      ).status,
    ).toBe(200);

    const seen: Record<string, string> = {};
    for (let d = 0; d < 10; d++) {
      const today = addDays("2026-11-28", d);
      day(today);
      await send("POST", "/ops/daily");
      const rentLine = (await billsBrief()).items.find((i: { label: string }) => i.label.startsWith("Rent"));
      seen[today] = rentLine?.label ?? "";
      if (today === "2026-12-02") {
        // Paid late, inside grace, and only in part: still overdue, with what remains.
        const paid = await send("POST", `/bills/${rent.body.id}/paid`, {
          amount: "700.00",
          date: today,
          client_key: "rent-dec-1",
        });
        expect(paid.body.occurrence_status.status).toBe("partly_paid");
      }
      if (today === "2026-12-04") {
        const paid = await send("POST", `/bills/${rent.body.id}/paid`, {
          amount: "800.00",
          date: today,
          client_key: "rent-dec-2",
        });
        expect(paid.body.occurrence_status.status).toBe("paid");
      }
    }
    // Due on 12-01, overdue through grace (shown with what is left), gone once paid in full.
    expect(seen["2026-12-01"]).toMatch(/^Rent/);
    expect(seen["2026-12-03"]).toContain("800.00 USD");
    expect(seen["2026-12-03"]).toContain("overdue");
    expect(seen["2026-12-05"]).not.toContain("2026-12-01");
    const occurrences = await send("GET", `/bills/${rent.body.id}/occurrences?from=2026-12-01&to=2026-12-31`);
    expect(occurrences.body.items[0]).toMatchObject({
      due_date: "2026-12-01",
      status: "paid",
      paid_minor: 150000,
    });

    // The dead deal's pending draft was cancelled; its follow-up is no longer due in the brief.
    expect((await send("GET", `/pipeline/runs/${drafted.body.run.id}`)).body.send_status).toBe("cancelled");
    const pipelineBrief = (await send("GET", "/brief")).body.sections.find(
      (s: { pack: string }) => s.pack === "pipeline",
    );
    const due = pipelineBrief.data.due_followups.map((f: { title: string }) => f.title);
    expect(due).toContain("Follow up on 3 Oak Ave");
    expect(due.join("\n")).not.toContain("12 Elm St");
  });
});
