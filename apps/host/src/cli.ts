#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createRegistry, formatReport, RegistryError } from "@valhalla/runtime";
import { loadConfig } from "./config.js";
import { createHost } from "./create-host.js";
import { jsonLogger, silentLogger } from "./log.js";
import { selectPacks } from "./packs.js";
import { createDriver, redact } from "./storage/create-driver.js";
import { exportCommand, importCommand } from "./storage/dump-commands.js";

const USAGE = `Usage: valhalla <command> [options]

Commands:
  serve                 Start the host (PORT, VALHALLA_STORAGE, VALHALLA_PACKS, VALHALLA_TZ)
  validate [--json]     Validate the pack set; exit 0 when ok, 1 on errors
  packs [--json]        List the packs that would be loaded
  export [--packs a,b]  Write every record (or those packs') as NDJSON to stdout
  import                Read an NDJSON dump from stdin into VALHALLA_STORAGE
  help                  Show this help`;

/** Run the CLI; resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      packs: { type: "string" },
    },
  });
  const [command = "help"] = positionals;
  if (values.help || command === "help") {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const packs = selectPacks(config.packs);
  switch (command) {
    case "serve":
      return serveCommand(config, packs);
    case "validate": {
      const driver = await createDriver(config.storage);
      await driver.init();
      const registry = createRegistry(packs, {
        driver,
        timezone: config.timezone,
        config: config.packConfig,
        log: silentLogger,
      });
      const report = await registry.validate();
      await driver.close();
      console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    }
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
          const n = await importCommand(driver, packs, process.stdin);
          console.error(`Imported ${n} records into ${redact(config.storage)}`);
        } else {
          const only = values.packs
            ?.split(",")
            .map((s) => s.trim())
            .filter(Boolean);
          if (only) selectPacks(only, packs);
          const n = await exportCommand(driver, packs, process.stdout, only);
          console.error(`Exported ${n} records from ${redact(config.storage)}`);
        }
      } finally {
        await driver.close();
      }
      return 0;
    }
    default:
      console.error(`Unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}

async function serveCommand(
  config: ReturnType<typeof loadConfig>,
  packs: ReturnType<typeof selectPacks>,
): Promise<number> {
  const log = jsonLogger({ replica: config.replicaId });
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
    });
  } catch (err) {
    if (err instanceof RegistryError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const { port } = await host.listen(config.port, config.host);
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
