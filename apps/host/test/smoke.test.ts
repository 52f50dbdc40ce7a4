import { holdings } from "@valhalla/pack-holdings";
import { describe, expect, it } from "vitest";
import { createHost } from "../src/create-host.js";
import { silentLogger } from "../src/log.js";

describe("smoke", () => {
  it("should serve holdings", async () => {
    const host = await createHost({ packs: [holdings], storage: "memory:", log: silentLogger });
    const res = await host.fetch(
      new Request("http://x/holdings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "property", label: "Elm St", currency: "USD" }),
      }),
    );
    const body = await res.json();
    console.log(res.status, body);
    const v = await host.fetch(
      new Request(`http://x/holdings/${body.id}/valuations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ amount: "250000.00", currency: "USD", as_of: "2026-01-01", source: "BPO" }),
      }),
    );
    console.log(v.status, await v.json());
    const s = await host.fetch(new Request(`http://x/holdings/summary`));
    console.log(s.status, JSON.stringify(await s.json()));
    const bad = await host.fetch(
      new Request(`http://x/holdings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "boat" }),
      }),
    );
    console.log(bad.status, bad.headers.get("content-type"), JSON.stringify(await bad.json()));
    const oa = await host.fetch(new Request(`http://x/openapi.json`));
    console.log(oa.status, JSON.stringify(await oa.json()).slice(0, 1500));
    expect(res.status).toBe(201);
  });
});
