import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, silentLogger } from "@valhalla/host";
import { definePack } from "@valhalla/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipeline } from "../../src/index.js";
import { fakeWholesale } from "../fixtures/fake-wholesale.js";
import { call, pipelineHost } from "../helpers.js";

const OLD_EMAIL =
  "Hi {{deal.seller_name}},\n\nI wanted to follow up on {{deal.address}}. We can offer up to {{deal.mao}}. Would you like to talk this week?";

describe("migration 001: the default email quotes the offer", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pipeline-mig-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("should rewrite the untouched seeded email and leave an edited template alone", async () => {
    const storage = `sqlite:${join(dir, "v.db")}`;
    // A store written by the previous version: seeded templates, the email still telling the MAO.
    const before = definePack({ ...pipeline, migrations: [] });
    const v0 = await createHost({
      packs: [fakeWholesale, before],
      storage,
      log: silentLogger,
      auth: { disabled: true },
    });
    await call(v0, "POST", "/boot/seed_minimum");
    await call(v0, "PATCH", "/pipeline/templates/tpl_default_email", { body: OLD_EMAIL });
    await call(v0, "PATCH", "/pipeline/templates/tpl_default_sms", { body: "Mine: {{deal.mao}}" });
    await v0.close();

    const v1 = await pipelineHost({ storage, bills: false });
    const email = (await call(v1, "GET", "/pipeline/templates/tpl_default_email")).body;
    expect(email.body).toContain("Our offer is {{deal.offer_price}}.");
    expect(email.body).not.toContain("{{deal.mao}}");
    expect((await call(v1, "GET", "/pipeline/templates/tpl_default_sms")).body.body).toBe(
      "Mine: {{deal.mao}}",
    );
    await v1.close();
  });
});
