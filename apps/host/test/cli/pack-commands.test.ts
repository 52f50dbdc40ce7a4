import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CommandIo, collection, definePack, principalLabel } from "@valhalla/runtime";
import * as v from "valibot";
import { describe, expect, it, onTestFinished } from "vitest";
import type { loadConfig } from "../../src/config.js";
import { createHost } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { packCommandHelp, packCommands, runPackCommand } from "../../src/pack-commands.js";

const storage = {
  notes: collection({ prefix: "note", schema: v.object({ text: v.string(), by: v.string() }) }),
};
const notes = definePack({
  code: "notes",
  version: "1.0.0",
  description: "Notes with a CLI command",
  storage,
  commands: [
    {
      name: "add-note",
      summary: "Add a note",
      usage: "valhalla add-note <text> [--loud]",
      options: { loud: { type: "boolean", description: "Shout it" } },
      examples: ["valhalla add-note 'call the plumber' --loud"],
      async run(ctx, { args, options, io }) {
        if (args.length !== 1) {
          io.err("valhalla add-note: give one text");
          return 2;
        }
        const text = options.loud ? args[0]!.toUpperCase() : args[0]!;
        const made = await ctx.storage.notes.create({
          text,
          by: principalLabel(ctx.principal),
        });
        io.progress("1 / 1");
        io.out(made.id);
        return 0;
      },
    },
  ],
});

const config = (storagePath: string) =>
  ({ storage: storagePath, timezone: "UTC", packConfig: {} }) as unknown as ReturnType<typeof loadConfig>;

function captureIo() {
  const lines = { out: [] as string[], err: [] as string[], progress: [] as string[] };
  const io: CommandIo = {
    out: (l) => lines.out.push(l),
    err: (l) => lines.err.push(l),
    progress: (l) => lines.progress.push(l),
    tty: false,
  };
  return { io, lines };
}

describe("commands packs add to the CLI", () => {
  it("should run a pack's command on the configured store, as the operator, with its own options", async () => {
    const [found] = packCommands([notes]);
    const { io, lines } = captureIo();
    const dir = mkdtempSync(join(tmpdir(), "pack-cmd-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const db = `sqlite:${join(dir, "t.db")}`;
    const code = await runPackCommand(
      found!,
      ["add-note", "fix the roof", "--loud"],
      config(db),
      [notes],
      io,
    );
    expect(code, lines.err.join("\n")).toBe(0);
    expect(lines.progress).toEqual(["1 / 1"]);
    const host = await createHost({
      packs: [notes],
      storage: db,
      log: silentLogger,
      auth: { disabled: true },
    });
    try {
      const ctx = host.registry.context("notes") as unknown as {
        storage: { notes: { require(id: string): Promise<{ text: string; by: string }> } };
      };
      const note = await ctx.storage.notes.require(lines.out[0]!);
      expect(note.text).toBe("FIX THE ROOF");
      // The operator is named in what the command writes: `valhalla <command> (<user>@<machine>)`.
      expect(note.by).toMatch(/^valhalla add-note \(.+@.+\)$/);
    } finally {
      await host.close();
    }
    // An option the command does not declare is a one-line usage error, exit 2.
    const bad = captureIo();
    expect(await runPackCommand(found!, ["add-note", "x", "--quiet"], config(db), [notes], bad.io)).toBe(2);
    expect(bad.lines.err).toHaveLength(1);
    expect(bad.lines.err[0]).toMatch(/valhalla add-note --help/);
  });

  it("should print a pack command's help, and refuse a pack command named like a host command", async () => {
    expect(packCommandHelp(packCommands([notes])[0]!)).toBe(
      [
        "Usage: valhalla add-note <text> [--loud]",
        "",
        "Add a note (from the notes pack)",
        "",
        "Options:",
        "  --loud  Shout it",
        "",
        "Examples:",
        "  valhalla add-note 'call the plumber' --loud",
      ].join("\n"),
    );
    const thief = definePack({
      code: "thief",
      version: "1.0.0",
      description: "",
      commands: [{ name: "serve", summary: "Mine", usage: "valhalla serve", run: () => 0 }],
    });
    await expect(
      createHost({ packs: [thief], storage: "memory:", log: silentLogger, auth: { disabled: true } }),
    ).rejects.toThrow(/E_COMMAND_CONFLICT/);
  });

  it("should offer the budget pack's import-bank through the real CLI", () => {
    const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "--conditions=@valhalla/source", cli, ...args], {
        encoding: "utf8",
        env: { ...process.env, VALHALLA_STORAGE: "memory:" },
        timeout: 60_000,
      });
    const help = run(["import-bank", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: valhalla import-bank <file> --account <id>/);
    const listed = run(["help"]);
    expect(listed.stdout).toMatch(/Commands from the installed packs:\n {2}import-bank +Import a bank file/);
  });
});
