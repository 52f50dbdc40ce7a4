import SwaggerParser from "@apidevtools/swagger-parser";
import type { AnyPack } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { inventory } from "../../../../examples/pack-inventory/src/index.js";
import { createHost } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { installedPacks } from "../../src/packs.js";
import { call } from "../helpers.js";

/** Validate with a third-party validator; resolves to its error messages (none when valid). */
async function validationErrors(doc: unknown): Promise<string[]> {
  try {
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc) as never);
    return [];
  } catch (err) {
    const details = (err as { details?: { message?: string; instancePath?: string }[] }).details;
    return details?.length
      ? details.map((d) => `${d.instancePath ?? ""} ${d.message ?? ""}`.trim())
      : [err instanceof Error ? err.message : String(err)];
  }
}

describe("/openapi.json validity (@apidevtools/swagger-parser)", () => {
  it("should serve an OpenAPI 3.1 document with no validation errors for the full host", async () => {
    const packs: AnyPack[] = [...installedPacks, inventory];
    const host = await createHost({ packs, storage: "memory:", log: silentLogger, auth: { disabled: true } });
    try {
      const res = await call(host, "GET", "/openapi.json");
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
      expect(await validationErrors(doc)).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it("should reject a broken document (the validator really validates)", async () => {
    const broken = {
      openapi: "3.1.0",
      info: { title: "x", version: "1" },
      paths: { "/x/{id}": { get: { parameters: [{ name: "id", in: "body" }], responses: {} } } },
    };
    expect((await validationErrors(broken)).length).toBeGreaterThan(0);
  });
});
