#!/usr/bin/env node
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type AnyPack, createRegistry, formatReport, RegistryError } from "@valhalla/runtime";
import { commandHelp } from "./cli-help.js";
import { loadConfig } from "./config.js";
import { createHost } from "./create-host.js";
import { jobsCommand } from "./jobs-command.js";
import { jsonLogger, silentLogger } from "./log.js";
import { cliHost, HOST_COMMANDS, packCommandHelp, packCommands, runPackCommand } from "./pack-commands.js";
import { selectPacks } from "./packs.js";
import { apiKeyStore } from "./security/api-keys.js";
import { keysCommand } from "./security/keys-command.js";
import { createDriver, redact } from "./storage/create-driver.js";
import { exportCommand, importCommand } from "./storage/dump-commands.js";
import { HOST_VERSION } from "./version.js";

const USAGE = `Usage: valhalla <command> [options]

Commands:
  serve              Start the host (PORT, VALHALLA_STORAGE, VALHALLA_PACKS, VALHALLA_TZ)
  validate [--json]  Validate the pack set; exit 0 when ok, 1 on errors
  packs [--json]     List the packs that would be loaded
  export [--packs a,b] [--progress]
                     Write every record (or those packs') as NDJSON to stdout
  import [--dry-run] [--skip-invalid] [--progress]
                     Read an NDJSON dump from stdin into VALHALLA_STORAGE: every line is checked
                     first (a bad one refuses the file, naming line and field; nothing is written)
  jobs list [--json]           Every job with cron, time zone, next and last run
  jobs run <pack> <name>       Run a job now (same lease as scheduled runs)
  keys create --name <n> --scopes <s,…> | keys create --admin | keys list | keys revoke <id>
                     Manage API keys (scopes: admin, <pack>:read, <pack>:write)
  seed               Create the minimal working setup (system config, pack defaults); idempotent
  help [command]     Show this help, or a command's options and examples (also <command> --help)
                     --version prints the version

Options:
  --module <path>    Load the pack set from a module (default export or \`packs\`: an array of packs)
                     instead of the packs installed with the host`;

/** Load a third party's pack set from a module path. */
async function loadPackModule(path: string): Promise<AnyPack[]> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown; packs?: unknown };
  const packs = mod.packs ?? mod.default;
  if (!Array.isArray(packs))
    throw new Error(`[valhalla] [cli] ${path} must export an array of packs as default or \`packs\``);
  return packs as AnyPack[];
}

/** Exit code of a usage error (unknown command or option), as most CLIs use. */
const USAGE_ERROR = 2;
/** Exit code when the port cannot be bound. */
const PORT_UNAVAILABLE = 3;

const OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", short: "v", default: false },
  admin: { type: "boolean", default: false },
  module: { type: "string" },
  name: { type: "string" },
  scopes: { type: "string" },
  packs: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  "skip-invalid": { type: "boolean", default: false },
  progress: { type: "boolean", default: false },
} as const;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (err) {
    // parseArgs' own text names Node internals; say what was wrong and where help is.
    const message = err instanceof Error ? err.message.split(".")[0] : String(err);
    console.error(`valhalla: ${message}. Run 'valhalla help' for the commands and options.`);
    return null;
  }
}

/** The value of `--module <path>` (or `--module=<path>`) in `argv`, read before strict parsing. */
function moduleArg(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--module");
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith("--module="))?.slice("--module=".length);
}

/** Config and the pack set (installed, or from `--module`). */
async function packSet(argv: readonly string[]) {
  const config = loadConfig();
  const mod = moduleArg(argv);
  return { config, packs: selectPacks(config.packs, mod ? await loadPackModule(mod) : undefined) };
}

/** The packs' commands, for help: none when the pack set cannot be loaded (help must still print). */
async function packCommandsFor(argv: readonly string[]) {
  try {
    return packCommands((await packSet(argv)).packs);
  } catch {
    return [];
  }
}

/** Run the CLI; resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  // A command a pack adds takes its own options: find it before the host's options are parsed.
  const first = argv.find((a) => !a.startsWith("-"));
  if (first !== undefined && !(HOST_COMMANDS as readonly string[]).includes(first)) {
    const { config, packs } = await packSet(argv);
    const found = packCommands(packs).find((c) => c.def.name === first);
    if (found) {
      if (argv.includes("--help") || argv.includes("-h")) {
        console.log(packCommandHelp(found));
        return 0;
      }
      return runPackCommand(found, argv, config, packs);
    }
  }
  const parsed = parse(argv);
  if (!parsed) return USAGE_ERROR;
  const { positionals, values } = parsed;
  if (values.version) {
    console.log(HOST_VERSION);
    return 0;
  }
  const [command = "help"] = positionals;
  if (values.help || command === "help") {
    const topic = command === "help" ? positionals[1] : command;
    if (topic === undefined || topic === "help") {
      const fromPacks = await packCommandsFor(argv);
      console.log(
        fromPacks.length === 0
          ? USAGE
          : `${USAGE}\n\nCommands from the installed packs:\n${fromPacks
              .map(({ pack, def }) => `  ${def.name.padEnd(18)} ${def.summary} (${pack.code})`)
              .join("\n")}`,
      );
      return 0;
    }
    const own = (await packCommandsFor(argv)).find((c) => c.def.name === topic);
    const text = own ? packCommandHelp(own) : commandHelp(topic);
    if (!text) {
      console.error(`valhalla: unknown command '${topic}'. Run 'valhalla help' for the commands.`);
      return USAGE_ERROR;
    }
    console.log(text);
    return 0;
  }
  const config = loadConfig();
  const packs = selectPacks(config.packs, values.module ? await loadPackModule(values.module) : undefined);
  switch (command) {
    case "serve":
      return serveCommand(config, packs);
    case "validate": {
      // Validation never creates storage: a SQLite file that does not exist yet is an empty store,
      // checked in memory (same capabilities, nothing pending).
      const sqlitePath = config.storage.startsWith("sqlite:") ? config.storage.slice("sqlite:".length) : null;
      const driver = await createDriver(sqlitePath && !existsSync(sqlitePath) ? "memory:" : config.storage);
      await driver.init();
      const registry = createRegistry(packs, {
        driver,
        timezone: config.timezone,
        config: config.packConfig,
        log: silentLogger,
        hostCommands: HOST_COMMANDS,
      });
      const report = await registry.validate();
      await driver.close();
      console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    }
    case "keys": {
      const driver = await createDriver(config.storage);
      await driver.init();
      try {
        const [, sub, ...rest] = positionals;
        return await keysCommand(
          {
            sub,
            rest,
            name: values.name,
            scopes: values.scopes,
            json: values.json,
            admin: values.admin,
            packs: packs.map((p) => p.code),
          },
          driver,
        );
      } finally {
        await driver.close();
      }
    }
    case "jobs":
      return jobsCommand(positionals.slice(1), {
        packs,
        storage: config.storage,
        timezone: config.timezone,
        replicaId: config.replicaId,
        packConfig: config.packConfig,
        json: values.json,
      });
    case "seed":
      return seedCommand(config, packs);
    case "packs": {
      const rows = packs.map((p) => ({ code: p.code, version: p.version, description: p.description }));
      console.log(
        values.json
          ? JSON.stringify(rows, null, 2)
          : rows.map((r) => `${r.code.padEnd(14)} ${r.version.padEnd(8)} ${r.description}`).join("\n"),
      );
      return 0;
    }
    case "export":
    case "import": {
      const driver = await createDriver(config.storage);
      await driver.init();
      try {
        if (command === "import") {
          const showProgress = values.progress || process.stderr.isTTY === true;
          const { code, records } = await importCommand(driver, packs, process.stdin, {
            dryRun: values["dry-run"],
            skipInvalid: values["skip-invalid"],
            report: (line) => console.error(line),
            ...(showProgress ? { progress: (line: string) => console.error(line) } : {}),
          });
          if (code !== 0 || values["dry-run"]) return code;
          console.error(`Imported ${records} records into ${redact(config.storage)}`);
        } else {
          const only = values.packs
            ?.split(",")
            .map((s) => s.trim())
            .filter(Boolean);
          if (only) selectPacks(only, packs);
          const showProgress = values.progress || process.stderr.isTTY === true;
          const n = await exportCommand(
            driver,
            packs,
            process.stdout,
            only,
            showProgress ? (line) => console.error(line) : undefined,
          );
          console.error(`Exported ${n} records from ${redact(config.storage)}`);
        }
      } finally {
        await driver.close();
      }
      return 0;
    }
    default:
      console.error(`valhalla: unknown command '${command}'. Run 'valhalla help' for the commands.`);
      return USAGE_ERROR;
  }
}

async function seedCommand(
  config: ReturnType<typeof loadConfig>,
  packs: ReturnType<typeof selectPacks>,
): Promise<number> {
  const host = await cliHost(config, packs, (line) => console.error(line));
  if (!host) return 1;
  try {
    // The same code path as POST /boot/seed_minimum, so the audit log records the seed too.
    const res = await host.fetch(new Request("http://cli/boot/seed_minimum", { method: "POST" }));
    const body = (await res.json()) as { ok: boolean };
    console.log(JSON.stringify(body, null, 2));
    return body.ok ? 0 : 1;
  } finally {
    await host.close();
  }
}

async function serveCommand(
  config: ReturnType<typeof loadConfig>,
  packs: ReturnType<typeof selectPacks>,
): Promise<number> {
  const log = jsonLogger(
    { replica: config.replicaId },
    config.logFile ? { destination: config.logFile } : {},
  );
  let host: Awaited<ReturnType<typeof createHost>>;
  try {
    host = await createHost({
      packs,
      storage: config.storage,
      timezone: config.timezone,
      config: config.packConfig,
      bodyLimitBytes: config.bodyLimitBytes,
      replicaId: config.replicaId,
      log,
      auth: config.auth,
      cors: { origins: config.corsOrigins },
      trustProxy: config.trustProxy,
      rateLimit: config.rateLimit,
      timeoutMs: config.timeoutMs,
      ...(config.jobLeaseMs !== undefined ? { scheduler: { leaseTtlMs: config.jobLeaseMs } } : {}),
    });
  } catch (err) {
    if (err instanceof RegistryError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  let port: number;
  try {
    ({ port } = await host.listen(config.port, config.host));
  } catch (err) {
    await host.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      console.error(
        `valhalla: cannot listen on ${config.host}:${config.port} (${code === "EADDRINUSE" ? "the port is in use" : "permission denied"}); set PORT to another port.`,
      );
      return PORT_UNAVAILABLE;
    }
    throw err;
  }
  // Only once the port is ours: a fresh store gets one admin key, printed once to the terminal
  // (stderr, never the JSON log stream), so `npm start` is usable without opening the host.
  if (!config.auth.disabled && !config.auth.adminKey) {
    const secret = await apiKeyStore(host.registry.driver).bootstrapAdmin();
    if (secret) {
      console.error(
        `\nCreated the first admin API key (shown once; store it now):\n\n  ${secret}\n\nUse it as 'Authorization: Bearer <key>'; create narrower keys with 'valhalla keys create'.\nLost it? 'valhalla keys create --admin' makes a new one against the same store.\n`,
      );
    }
  }
  log.info("listening", {
    port,
    storage: redact(config.storage),
    packs: packs.map((p) => p.code),
    timezone: config.timezone,
  });
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info("shutting down", { signal });
      host.close().then(resolveStop, (err) => {
        log.error("shutdown failed", { error: String(err) });
        resolveStop();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
