#!/usr/bin/env node
// The `valhalla` command: the host's CLI with the seven first-party packs (this package's
// dependencies) installed next to it. npm links a bin at install time, when nothing is built yet,
// so the bin is this committed file. In a checkout of the repository it first builds what is
// missing or stale (progress on stderr, so `valhalla --version` prints only the version); an
// installed package uses the published dist of @valhalla/host as is.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ensureBuilt = new URL("../../../scripts/ensure-built.mjs", import.meta.url);
if (existsSync(ensureBuilt)) {
  execFileSync(process.execPath, [fileURLToPath(ensureBuilt)], { stdio: ["ignore", 2, 2] });
}
await import("@valhalla/host/cli");
