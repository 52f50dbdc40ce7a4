import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

describe("valhalla seed", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "valhalla-seed-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = () =>
    spawnSync(process.execPath, ["--import", "tsx", "--conditions=@valhalla/source", cli, "seed"], {
      encoding: "utf8",
      env: { ...process.env, VALHALLA_STORAGE: `sqlite:${join(dir, "v.db")}` },
      timeout: 60_000,
    });

  it("should create the minimal setup once and report it as existing the second time", () => {
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, host: { created: ["system_config"] } });
    const second = run();
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ok: true,
      host: { created: [], existing: ["system_config"] },
    });
  });
});
