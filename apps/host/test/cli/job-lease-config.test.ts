import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A working directory holding `valhalla.config.json` with `file` (or none). */
function cwd(file?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "valhalla-config-"));
  dirs.push(dir);
  if (file) writeFileSync(join(dir, "valhalla.config.json"), JSON.stringify(file));
  return dir;
}

describe("job lease TTL setting", () => {
  it("should be unset by default, so createHost keeps its 30 s default", () => {
    expect(loadConfig({}, cwd()).jobLeaseMs).toBeUndefined();
  });

  it("should read jobLeaseMs from the config file and let VALHALLA_JOB_LEASE_MS override it", () => {
    const dir = cwd({ jobLeaseMs: 8000 });
    expect(loadConfig({}, dir).jobLeaseMs).toBe(8000);
    expect(loadConfig({ VALHALLA_JOB_LEASE_MS: "5000" }, dir).jobLeaseMs).toBe(5000);
  });

  it("should refuse a value that is not an integer of at least 500 ms", () => {
    expect(() => loadConfig({ VALHALLA_JOB_LEASE_MS: "5s" }, cwd())).toThrow(/VALHALLA_JOB_LEASE_MS '5s'/);
    expect(() => loadConfig({ VALHALLA_JOB_LEASE_MS: "100" }, cwd())).toThrow(/≥ 500/);
    expect(() => loadConfig({}, cwd({ jobLeaseMs: 10 }))).toThrow(/jobLeaseMs/);
  });
});
