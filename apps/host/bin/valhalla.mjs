#!/usr/bin/env node
// The `valhalla` command. npm links a bin at install time, when nothing is built yet, so the bin
// is this committed file rather than dist/cli.js. In a checkout of the repository it first builds
// what is missing or stale (progress on stderr, so `valhalla --version` prints only the version);
// an installed package ships its dist and runs it as is.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/cli.js", import.meta.url);
const ensureBuilt = new URL("../../../scripts/ensure-built.mjs", import.meta.url);
if (existsSync(ensureBuilt)) {
  execFileSync(process.execPath, [fileURLToPath(ensureBuilt)], { stdio: ["ignore", 2, 2] });
} else if (!existsSync(cli)) {
  console.error("valhalla: this installation has no dist/cli.js; reinstall @valhalla/host.");
  process.exit(1);
}
await import(cli.href);
