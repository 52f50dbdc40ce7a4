import { bills } from "@valhalla/pack-bills";
import { pipeline } from "@valhalla/pack-pipeline";
import { wholesale } from "@valhalla/pack-wholesale";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { call, testHost } from "../helpers.js";

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

// The host tells a pack when an action it queued is rejected (`outbound["<kind>:rejected"]`).
describe("approval rejection", () => {
  let host: Host;
  afterEach(() => host.close());

  it("should mark the pipeline draft a rejected approval was holding as rejected", async () => {
    host = await testHost({
      packs: [wholesale, bills, pipeline],
      timezone: "America/Chicago",
      now: () => new Date("2026-05-04T15:00:00Z"),
    });
    await call(host, "POST", "/boot/seed_minimum"); // soft launch on, templates seeded
    const deal = await json(
      await call(host, "POST", "/wholesale", { property_address: "12 Elm St", seller_name: "Pat" }),
    );
    const drafted = await json(
      await call(host, "POST", `/pipeline/deal/${deal.body.id}/run`, { channel: "sms" }),
    );
    expect(drafted.status).toBe(201);
    const runId = drafted.body.run.id as string;
    const queued = await json(
      await call(host, "POST", `/pipeline/runs/${runId}/sent`, { channel: "sms", result: "delivered" }),
    );
    expect(queued.status).toBe(202);
    expect((await json(await call(host, "GET", `/pipeline/runs/${runId}`))).body.send_status).toBe(
      "pending_approval",
    );

    const rejected = await json(await call(host, "POST", `/approvals/${queued.body.approval_id}/reject`));
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe("rejected");
    const run = await json(await call(host, "GET", `/pipeline/runs/${runId}`));
    expect(run.body.send_status).toBe("rejected");
  });
});
