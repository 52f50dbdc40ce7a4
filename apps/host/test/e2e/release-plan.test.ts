import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

describe("release plan", () => {
  it("should leave the packs on a minor when the runtime takes a minor", () => {
    // A runtime minor of our own, so the check does not depend on which changesets are pending.
    const file = join(root, ".changeset", `zz-release-plan-test-${process.pid}.md`);
    writeFileSync(file, '---\n"@valhalla/runtime": minor\n---\n\nRelease-plan test.\n');
    try {
      const r = spawnSync(process.execPath, ["scripts/check-release-plan.mjs"], {
        cwd: root,
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      for (const pack of ["pack-dispo", "pack-wholesale", "pack-bills", "pack-budget"])
        expect(r.stdout).toMatch(new RegExp(`@valhalla/${pack}: \\S+ -> \\S+ \\((minor|patch)\\)`));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
