import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CODES } from "../../src/registry/codes.js";
import { brokenSets } from "../fixtures/broken-packs.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const documented = [...readme.matchAll(/`([EWI]_[A-Z_]+)`/g)].map((m) => m[1]);

describe("registry codes", () => {
  it("should document every code in the README table", () => {
    for (const code of Object.keys(CODES))
      expect(readme, code).toContain(`<a id="${code.toLowerCase()}"></a>\`${code}\``);
  });

  it("should not document codes that do not exist", () => {
    for (const code of documented) expect(Object.keys(CODES), code).toContain(code);
  });

  it("should produce each code from at least one test fixture (except scan warnings and pending migrations, tested in create-registry)", () => {
    const covered = new Set([
      ...Object.keys(brokenSets),
      "W_INDEX_SCAN",
      "W_MIGRATIONS_PENDING",
      "E_STORAGE_AHEAD",
    ]);
    for (const code of Object.keys(CODES)) expect(covered.has(code), code).toBe(true);
  });
});
