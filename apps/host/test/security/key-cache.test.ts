import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { apiKeyStore } from "../../src/security/api-keys.js";
import { createDriver } from "../../src/storage/create-driver.js";

// Two drivers over one SQLite file stand for two processes (a replica, `valhalla keys revoke`).
describe("verified API keys are cached per driver", () => {
  const dir = mkdtempSync(join(tmpdir(), "valhalla-key-cache-"));
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });
  const open = async (file: string) => {
    const d = await createDriver(`sqlite:${join(dir, file)}`);
    await d.init();
    opened.push(d);
    return d;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should stop a key revoked in this process at once, through any store over the driver", async () => {
    const driver = await open("same.db");
    const serving = apiKeyStore(driver, { cacheMs: 60_000 });
    const { key, secret } = await serving.create({ name: "ci", scopes: "admin" });
    expect((await serving.verify(secret))?.id).toBe(key.id);
    expect(serving.cached(secret)?.id).toBe(key.id);
    await apiKeyStore(driver).revoke(key.id);
    expect(serving.cached(secret)).toBeUndefined();
    expect(await serving.verify(secret)).toBeNull();
  });

  it("should stop a key revoked by another process once cacheMs has passed, not before", async () => {
    let now = 1_000_000;
    const replica = apiKeyStore(await open("shared.db"), { cacheMs: 2000, clock: () => now });
    const cli = apiKeyStore(await open("shared.db"));
    const { key, secret } = await cli.create({ name: "partner", scopes: "holdings:read" });
    expect((await replica.verify(secret))?.id).toBe(key.id);
    await cli.revoke(key.id);
    now += 1999;
    expect((await replica.verify(secret))?.id).toBe(key.id); // still inside the documented window
    now += 1;
    expect(await replica.verify(secret)).toBeNull();
    expect(replica.cached(secret)).toBeUndefined();
  });

  it("should read the store on every call with cacheMs 0 and never cache a wrong secret", async () => {
    const driver = await open("nocache.db");
    const keys = apiKeyStore(driver, { cacheMs: 0 });
    const { secret } = await keys.create({ name: "x", scopes: "admin" });
    expect(await keys.verify(secret)).not.toBeNull();
    expect(keys.cached(secret)).toBeUndefined();
    const forged = `${secret.slice(0, -4)}AAAA`;
    expect(await keys.verify(forged)).toBeNull();
    expect(keys.cached(forged)).toBeUndefined();
  });
});
