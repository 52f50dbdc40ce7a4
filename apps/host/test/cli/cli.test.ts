import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CODES } from "@valhalla/runtime";
import { describe, expect, it } from "vitest";
import { commandHelp } from "../../src/cli-help.js";

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const fixture = fileURLToPath(new URL("../fixtures/broken-set.ts", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", "--conditions=@valhalla/source", cli, ...args], {
    encoding: "utf8",
    env: { ...process.env, VALHALLA_STORAGE: "memory:", ...env },
    timeout: 60_000,
  });
}

describe("valhalla CLI", () => {
  it("should exit 1 and print every problem of a broken pack set at once", () => {
    const res = run(["validate", "--module", fixture]);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain("Registry validation failed with 2 errors:");
    expect(res.stdout).toContain("E_REQUIRE_MISSING [needy] Requires pack 'wholesale'");
    expect(res.stdout).toContain("E_JOB_CRON_INVALID [ticker]");
  });

  it("should print the report as JSON with --json and exit 0 when ok", () => {
    const res = run(["validate", "--json"]);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true });
  });

  it("should list packs and reject unknown ones in VALHALLA_PACKS", () => {
    expect(run(["packs"]).stdout).toContain("holdings");
    const bad = run(["packs"], { VALHALLA_PACKS: "holdings,nope" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Unknown pack(s) 'nope'");
  });

  it("should validate without creating the SQLite store", () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-validate-"));
    try {
      const db = join(dir, "nested", "valhalla.db");
      const res = run(["validate", "--json"], { VALHALLA_STORAGE: `sqlite:${db}` });
      expect(res.status).toBe(0);
      expect(existsSync(join(dir, "nested"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("should offer every `valhalla <command>` that a registry hint tells people to run", () => {
    const help = run(["help"]).stdout;
    const named = Object.values(CODES).flatMap((c) =>
      [...c.hint.matchAll(/`valhalla ([a-z-]+)/g)].map((m) => m[1]!),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const command of named) expect(help, command).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("should have usage, options and an example for every command", () => {
    // In-process: the text itself, for every command (a process per command would only add time).
    for (const command of ["serve", "validate", "packs", "export", "import", "jobs", "keys", "seed"]) {
      const own = commandHelp(command);
      expect(own, command).toMatch(new RegExp(`^Usage: valhalla ${command}\\b`));
      expect(own, command).toMatch(/\nExamples:\n {2}\S/);
    }
    expect(commandHelp("import")).toMatch(/--skip-invalid +Import the valid lines/);
    expect(commandHelp("nope")).toBeUndefined();
  });

  it("should print a command's own help with <command> --help or help <command>", () => {
    const own = run(["import", "--help"]);
    expect(own.status).toBe(0);
    expect(own.stdout.trim()).toBe(commandHelp("import"));
    expect(run(["help", "import"]).stdout).toBe(own.stdout);
  });

  it("should answer a usage error with one line and exit 2", () => {
    for (const args of [["nope"], ["help", "nope"], ["validate", "--bogus"]]) {
      const res = run(args);
      expect(res.status, args.join(" ")).toBe(2);
      expect(res.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(res.stderr, args.join(" ")).toMatch(/valhalla help/);
    }
  });
});
