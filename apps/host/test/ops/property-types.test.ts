import { dispo } from "@valhalla/pack-dispo";
import { PROPERTY_TYPES as UNDERWRITER_TYPES, underwriter } from "@valhalla/pack-underwriter";
import { wholesale } from "@valhalla/pack-wholesale";
import { PROPERTY_TYPES } from "@valhalla/pack-wholesale/refs";
import { memory } from "@valhalla/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/create-host.js";
import { call, testHost } from "../helpers.js";

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

const property = (type: string) => ({
  address: { street: "12 Elm St", city: "Indianapolis", region: "IN", postal_code: "46201" },
  type,
});

/**
 * Issue #17: one property-type vocabulary, owned by wholesale. An underwritten property attached to
 * a deal gives the deal its type, so a buyer who wants that type scores for it.
 */
describe("one property-type vocabulary across packs", () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it("should be wholesale's list in underwriter too", () => {
    expect([...UNDERWRITER_TYPES]).toEqual([...PROPERTY_TYPES]);
  });

  it("should carry an attached property's type to the deal, where buyer matching scores it", async () => {
    host = await testHost({ packs: [wholesale, dispo, underwriter] });
    const h = host;
    const send = async (method: string, path: string, body?: unknown) =>
      json(await call(h, method, path, body));
    const deal = await send("POST", "/wholesale", {
      property_address: "12 Elm St",
      property_zip: "46201",
      seller_name: "Pat",
      contract_price: "80000",
    });
    expect(deal.body.property_type).toBeNull();
    // `single_family`, underwriter's old name, is still understood and stored as `sfh`.
    const prop = await send("POST", "/underwriter/properties", property("single_family"));
    expect(prop.status).toBe(201);
    expect(prop.body.type).toBe("sfh");
    expect((await send("GET", "/underwriter/properties?type=sfh")).body.items).toHaveLength(1);
    const bad = await send("POST", "/underwriter/properties", property("house"));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: "type" });
    expect(bad.body.errors[0].message).toContain("sfh, multi_family");

    await send("POST", "/dispo/buyers", { name: "Sam", buy_box: { property_types: ["sfh"] } });
    const before = (await send("GET", `/dispo/deals/${deal.body.id}/matches`)).body;
    expect(JSON.stringify(before)).toContain("deal's property type unknown");

    const attached = await send("POST", `/underwriter/deals/${deal.body.id}/attach-property`, {
      property_id: prop.body.id,
    });
    expect(attached.status).toBe(200);
    expect((await send("GET", `/wholesale/${deal.body.id}`)).body.property_type).toBe("sfh");
    const after = (await send("GET", `/dispo/deals/${deal.body.id}/matches`)).body;
    expect(JSON.stringify(after)).toContain("'sfh' is a wanted type (10/10)");
  });

  it("should rewrite properties stored with the old name when the migration runs", async () => {
    const driver = memory();
    await driver.init();
    const old = {
      id: "prop_old1",
      rev: 1,
      created_at: "2026-01-01T00:00:00.000Z",
      updated_at: "2026-01-01T00:00:00.000Z",
      ...(await (async () => {
        // A property as underwriter 0.1 stored it: created through the API of a throwaway host.
        const h = await testHost({ packs: [underwriter] });
        const p = await json(await call(h, "POST", "/underwriter/properties", property("sfh")));
        await h.close();
        const { id: _i, rev: _r, created_at: _c, updated_at: _u, ...rest } = p.body;
        return { ...rest, type: "single_family" };
      })()),
    };
    await driver.write("underwriter.properties", {
      record: { id: old.id, rev: 1, value: JSON.stringify(old) },
      index: { type: "s:single_family", deal_id: "z:" },
      expectRev: 0,
    });
    host = await testHost({ packs: [underwriter], storage: driver });
    const listed = await json(await call(host!, "GET", "/underwriter/properties?type=sfh"));
    expect(listed.body.items.map((p: { id: string; type: string }) => [p.id, p.type])).toEqual([
      ["prop_old1", "sfh"],
    ]);
  });
});
