#!/usr/bin/env node
// Release dry run: build everything, show what changesets would bump, and `npm pack --dry-run`
// every publishable package (those with an `exports` map), printing what would be published.
// Nothing is versioned, tagged or published. Exit code 1 when any step fails.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function step(title, cmd, args, options = {}) {
  console.log(`\n▶ ${title}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    stdio: options.capture ? "pipe" : "inherit",
  });
  if (r.status !== 0) {
    if (options.capture) process.stderr.write(r.stderr ?? "");
    console.error(`✖ ${title} failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout;
}

const dirs = ["packages", "apps", "examples"].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group))
        .map((name) => join(group, name))
        .filter((dir) => {
          const manifest = join(root, dir, "package.json");
          return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).exports;
        })
        .sort()
    : [],
);

step("build", npm, ["run", "build", "--silent"]);
step("release plan", process.execPath, [join(root, "scripts/check-release-plan.mjs")]);
step("changeset status", process.execPath, [
  join(root, "node_modules/@changesets/cli/bin.js"),
  "status",
  "--verbose",
]);

console.log("\n▶ npm pack --dry-run");
const rows = [];
for (const dir of dirs) {
  const out = step(`pack ${dir}`, npm, ["pack", "--dry-run", "--json", `./${dir}`], { capture: true });
  const [info] = JSON.parse(out);
  const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  rows.push({ pkg, info });
  console.log(`\n${info.name}@${info.version}${pkg.private ? "  (private: packed, never published)" : ""}`);
  for (const f of info.files) console.log(`  ${String(f.size).padStart(8)}  ${f.path}`);
  console.log(
    `  ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );
}

console.log("\nWould publish:");
for (const { pkg, info } of rows.filter((r) => !r.pkg.private))
  console.log(`  ${info.name}@${info.version}  (access: ${pkg.publishConfig?.access ?? "default"})`);
console.log(
  `\nDry run only: nothing was versioned or published. To release: npx changeset version && npx changeset publish`,
);
