#!/usr/bin/env node
// Build the workspace when any package's dist is missing or older than its sources, so
// `npm start` and `npm test` work on a fresh clone without a separate build step.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = ["packages", "apps", "examples"].flatMap((d) =>
  existsSync(join(root, d)) ? readdirSync(join(root, d)).map((n) => join(root, d, n)) : [],
);

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = dirs.filter((d) => {
  if (!existsSync(join(d, "tsup.config.ts"))) return false;
  const dist = join(d, "dist");
  if (!existsSync(dist)) return true;
  return newest(join(d, "src")) > newest(dist);
});

if (stale.length > 0) {
  console.log(`Building (${stale.length} package(s) out of date)…`);
  execSync("npm run build --silent", { cwd: root, stdio: "inherit" });
}
