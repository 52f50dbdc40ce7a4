import { memory } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { API_KEYS_NS, apiKeyStore, parseScopes, scopeAllows } from "../../src/security/api-keys.js";
import { keysCommand } from "../../src/security/keys-command.js";

describe("api keys", () => {
  it("should normalize scopes and reject unknown shapes", () => {
    expect(parseScopes("holdings:read, admin,holdings:read")).toEqual(["admin", "holdings:read"]);
    expect(() => parseScopes("holdings:delete")).toThrow(/Invalid scope 'holdings:delete'/);
    expect(() => parseScopes("Holdings:read")).toThrow(/Invalid scope/);
    expect(() => parseScopes("")).toThrow(/At least one scope/);
  });

  it("should grant read with write, and everything with admin", () => {
    expect(scopeAllows(["holdings:write"], "holdings", "read")).toBe(true);
    expect(scopeAllows(["holdings:read"], "holdings", "write")).toBe(false);
    expect(scopeAllows(["holdings:write"], "bills", "read")).toBe(false);
    expect(scopeAllows(["holdings:write"], "holdings", "admin")).toBe(false);
    expect(scopeAllows(["admin"], "bills", "write")).toBe(true);
  });

  it("should store a hash, never the secret, and verify only the exact secret", async () => {
    const driver = memory();
    const keys = apiKeyStore(driver);
    const { key, secret } = await keys.create({ name: "ci", scopes: "holdings:read" });
    expect(secret).toMatch(/^vk_key_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    const raw = await driver.get(API_KEYS_NS, key.id);
    expect(raw?.value).not.toContain(secret.slice(-43));
    expect((await keys.verify(secret))?.id).toBe(key.id);
    expect(await keys.verify(`${secret.slice(0, -2)}xx`)).toBeNull();
    expect(await keys.verify(`vk_key_nothere_${"a".repeat(43)}`)).toBeNull();
  });

  it("should bootstrap exactly one admin key on a fresh store", async () => {
    const driver = memory();
    const keys = apiKeyStore(driver);
    const results = await Promise.all([keys.bootstrapAdmin(), keys.bootstrapAdmin(), keys.bootstrapAdmin()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await keys.bootstrapAdmin()).toBeNull();
    expect((await keys.list()).map((k) => k.scopes)).toEqual([["admin"]]);
  });

  it("should create, list and revoke through the keys command", async () => {
    const driver = memory();
    const out: string[] = [];
    const err: string[] = [];
    const run = (sub: string, rest: string[] = [], extra: { name?: string; scopes?: string } = {}) =>
      keysCommand(
        { sub, rest, ...extra },
        driver,
        (l) => out.push(l),
        (l) => err.push(l),
      );
    expect(await run("create", [], { name: "x", scopes: "holdings:read,admin" })).toBe(0);
    const secret = out.find((l) => l.startsWith("vk_"));
    expect(secret).toBeDefined();
    const id = /Created key (\S+)/.exec(out[0] ?? "")?.[1] ?? "";
    out.length = 0;
    expect(await run("list")).toBe(0);
    expect(out.join("\n")).toContain(id);
    expect(out.join("\n")).not.toContain(secret);
    expect(await run("revoke", [id])).toBe(0);
    expect(await apiKeyStore(driver).verify(secret ?? "")).toBeNull();
    expect(await run("revoke", ["key_missing"])).toBe(1);
    expect(await run("create", [], { name: "bad", scopes: "root" })).toBe(2);
    expect(err.join("\n")).toContain("Invalid scope 'root'");
  });
});
