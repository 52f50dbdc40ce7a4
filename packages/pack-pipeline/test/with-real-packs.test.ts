import { createHost, type Host, silentLogger } from "@valhalla/host";
import { bills } from "@valhalla/pack-bills";
import { wholesale } from "@valhalla/pack-wholesale";
import { afterEach, describe, expect, it } from "vitest";
import { pipeline } from "../src/index.js";
import { call } from "./helpers.js";

// The real wholesale and bills packs, not the fakes: the contracts hold at run time too.
describe("pipeline with @valhalla/pack-wholesale and @valhalla/pack-bills", () => {
  let host: Host;
  afterEach(() => host?.close());

  it("should draft from a real deal and turn real bill reminders into follow-ups", async () => {
    host = await createHost({
      packs: [wholesale, bills, pipeline],
      storage: "memory:",
      log: silentLogger,
      auth: { disabled: true },
      timezone: "America/Chicago",
      now: () => new Date("2026-05-04T15:00:00Z"),
    });
    expect(host.report.issues.filter((i) => i.severity === "error")).toEqual([]);
    const deal = await call(host, "POST", "/wholesale", {
      property_address: "12 Elm St",
      seller_name: "Pat",
      seller_timezone: "America/New_York",
      mao: "125000.00",
    });
    expect(deal.status).toBe(201);
    await call(host, "POST", "/boot/seed_minimum");
    const run = await call(host, "POST", `/pipeline/deal/${deal.body.id}/run`, {
      channel: "sms",
      followup_days: 3,
    });
    expect(run.status).toBe(201);
    expect(run.body.run.body).toContain("Hi Pat, following up about 12 Elm St");
    expect(run.body.run.recipient_timezone).toBe("America/New_York");

    const bill = await call(host, "POST", "/bills", {
      name: "Water",
      payee: "City",
      currency: "USD",
      amount: "60.00",
      cadence: "monthly",
      anchor_date: "2026-05-08",
    });
    expect(bill.status).toBe(201);
    const pushed = await call(host, "POST", "/bills/push_reminders?days_ahead=7");
    const reminderId = pushed.body.reminders[0].id;
    const tick = await call(host, "POST", "/pipeline/daily_tick");
    expect(tick.status).toBe(200);
    expect(tick.body.imported).toHaveLength(1);
    const followups = await call(host, "GET", "/pipeline/followups?limit=50");
    const fromBill = followups.body.items.filter((f: { source: string }) => f.source === "bill_reminder");
    expect(fromBill).toEqual([
      expect.objectContaining({
        source_id: reminderId,
        title: "Pay Water (60.00 USD), due 2026-05-08",
        status: "open",
      }),
    ]);
    expect((await call(host, "POST", "/pipeline/daily_tick")).body.imported).toEqual([]);
  });
});
