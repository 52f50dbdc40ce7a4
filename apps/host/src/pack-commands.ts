import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import { type AnyPack, type CommandDef, type CommandIo, RegistryError } from "@valhalla/runtime";
import type { loadConfig } from "./config.js";
import { createHost } from "./create-host.js";
import { silentLogger } from "./log.js";

// Commands packs add to the CLI (`commands` in the pack contract). The host knows nothing of what
// they do: it finds the command, parses its declared options, opens the store through a host that
// never listens, and hands the pack's context and the operator's principal to `run`.

/** The host CLI's own commands: a pack command may not take one of these names. @internal */
export const HOST_COMMANDS = [
  "serve",
  "validate",
  "packs",
  "export",
  "import",
  "jobs",
  "keys",
  "seed",
  "help",
] as const;

/** A pack's command with the pack that declares it. @internal */
export interface FoundCommand {
  readonly pack: AnyPack;
  readonly def: CommandDef;
}

/** Every command the packs add, in pack order. @internal */
export function packCommands(packs: readonly AnyPack[]): FoundCommand[] {
  return packs.flatMap((pack) => (pack.commands ?? []).map((def) => ({ pack, def })));
}

/** A pack command's help page: usage, summary, options and examples. @internal */
export function packCommandHelp({ pack, def }: FoundCommand): string {
  const opts = Object.entries(def.options ?? {}).map(
    ([name, o]) =>
      [`--${name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`, o.description] as const,
  );
  const width = Math.max(0, ...opts.map(([flag]) => flag.length));
  return [
    `Usage: ${def.usage}`,
    "",
    `${def.summary} (from the ${pack.code} pack)`,
    ...(opts.length
      ? ["", "Options:", ...opts.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`)]
      : []),
    ...(def.examples?.length ? ["", "Examples:", ...def.examples.map((e) => `  ${e}`)] : []),
  ].join("\n");
}

/** What a command writes, on the process's streams. Progress redraws one line only on a terminal. */
function processIo(): CommandIo & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  const clear = () => {
    if (drawn) process.stderr.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    tty,
    out: (line) => {
      clear();
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      clear();
      process.stderr.write(`${line}\n`);
    },
    progress: (text) => {
      if (!tty) {
        process.stderr.write(`${text}\n`);
        return;
      }
      process.stderr.write(`\r\x1b[2K${text}`);
      drawn = true;
    },
    done: clear,
  };
}

/** Exit code of a usage error. */
const USAGE_ERROR = 2;

/**
 * Run a pack's command: parse its options (a usage error is one line and exit 2), start a host on
 * the configured store without listening, and call `run` with the pack's context.
 * @internal
 */
export async function runPackCommand(
  found: FoundCommand,
  argv: readonly string[],
  config: ReturnType<typeof loadConfig>,
  packs: readonly AnyPack[],
  io: CommandIo & { done?(): void } = processIo(),
): Promise<number> {
  const { def, pack } = found;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        module: { type: "string" },
        ...Object.fromEntries(Object.entries(def.options ?? {}).map(([k, o]) => [k, { type: o.type }])),
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message.split(".")[0] : String(err);
    io.err(`valhalla ${def.name}: ${message}. Run 'valhalla ${def.name} --help' for its options.`);
    return USAGE_ERROR;
  }
  const host = await cliHost(config, packs, io.err);
  if (!host) return 1;
  try {
    const ctx = host.registry.context(pack.code);
    const principal = { kind: "operator" as const, id: operatorId(), command: def.name };
    const { module: _m, ...options } = parsed.values;
    return await def.run(
      { ...ctx, principal },
      { args: parsed.positionals.slice(1), options: options as Record<string, string | boolean>, io },
    );
  } finally {
    io.done?.();
    await host.close();
  }
}

/**
 * A host on the configured store that never listens, for CLI commands: the operator running the
 * CLI already holds the store. An invalid pack set is reported through `err` and gives `null`.
 * @internal
 */
export async function cliHost(
  config: ReturnType<typeof loadConfig>,
  packs: readonly AnyPack[],
  err: (line: string) => void,
): Promise<Awaited<ReturnType<typeof createHost>> | null> {
  try {
    return await createHost({
      packs,
      storage: config.storage,
      timezone: config.timezone,
      config: config.packConfig,
      log: silentLogger,
      auth: { disabled: true },
      rateLimit: false,
    });
  } catch (e) {
    if (e instanceof RegistryError) {
      err(e.message);
      return null;
    }
    throw e;
  }
}

/** `user@machine`, the operator as the audit trail names them. */
function operatorId(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the machine alone still says where it ran.
  }
  return `${user}@${hostname()}`;
}
