#!/usr/bin/env node
// Fails when `changeset version` would give a package a major bump that no changeset asked for:
// a peer range on a sibling that the sibling's next version leaves (changesets then forces a major
// on every dependent) is a packaging bug, not a release decision.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "valhalla-release-"));
const out = join(dir, "status.json");
try {
  const r = spawnSync(
    process.execPath,
    [join(root, "node_modules/@changesets/cli/bin.js"), "status", `--output=${out}`],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) {
    process.stderr.write(r.stderr || r.stdout);
    process.exit(1);
  }
  const plan = JSON.parse(readFileSync(out, "utf8"));
  const asked = new Set(
    plan.changesets.flatMap((c) => c.releases.filter((x) => x.type === "major").map((x) => x.name)),
  );
  const forced = plan.releases.filter((x) => x.type === "major" && !asked.has(x.name));
  for (const x of plan.releases) console.log(`${x.name}: ${x.oldVersion} -> ${x.newVersion} (${x.type})`);
  if (forced.length > 0) {
    console.error(
      `\nUnrequested major bump of ${forced.map((x) => x.name).join(", ")}: no changeset asks for it.` +
        " Check their peer ranges on sibling packages (use '>=0.1.0 <1.0.0', not '^0.1.0').",
    );
    process.exit(1);
  }
  console.log("\nRelease plan ok: every major bump was asked for by a changeset.");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
