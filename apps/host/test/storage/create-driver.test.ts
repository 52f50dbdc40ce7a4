import { describe, expect, it } from "vitest";
import { createDriver } from "../../src/index.js";

describe("createDriver", () => {
  it("should map storage URLs to their drivers without connecting", async () => {
    expect((await createDriver("memory:")).name).toBe("memory");
    expect((await createDriver("sqlite::memory:")).name).toBe("sqlite");
    for (const url of ["redis://127.0.0.1:6379/0?prefix=app:", "rediss://user:pw@cache.invalid:6380"]) {
      const d = await createDriver(url);
      expect(d.name).toBe("redis");
      expect(d.capabilities).toEqual({ locks: "cluster", indexes: "native", durable: true });
    }
    for (const url of ["postgres://u@db.invalid/app?schema=tenant_a", "postgresql://db.invalid/app"]) {
      const d = await createDriver(url);
      expect(d.name).toBe("postgres");
      expect(d.capabilities).toEqual({ locks: "cluster", indexes: "native", durable: true });
    }
  });

  it("should refuse an unknown scheme without echoing credentials", async () => {
    await expect(createDriver("mongodb://admin:secret@db.invalid/x")).rejects.toThrow(
      /Unsupported VALHALLA_STORAGE/,
    );
    await expect(createDriver("mongodb://admin:secret@db.invalid/x")).rejects.not.toThrow(/secret/);
  });

  it("should refuse a Postgres schema name that is not a plain identifier", async () => {
    await expect(createDriver('postgres://db.invalid/app?schema=x";drop')).rejects.toThrow(
      /Invalid Postgres schema/,
    );
  });
});
