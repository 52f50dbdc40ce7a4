import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { publishableDirs } from "./package-checks.js";

// Packaging quality of every publishable package, as `npm run check:pkg` runs it per package:
// publint (manifest and files) and arethetypeswrong (types resolve for ESM consumers).
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const attw = join(root, "node_modules/@arethetypeswrong/cli/dist/index.js");

describe("packaging quality", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, ["scripts/ensure-built.mjs"], { cwd: root, encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
  }, 180_000);

  describe.each(publishableDirs(root))("%s", (dir) => {
    const pkgDir = join(root, dir);

    it("should have no publint errors", async () => {
      const { messages, pkg } = await publint({ pkgDir, level: "warning", pack: "npm" });
      const errors = messages.filter((m) => m.type === "error").map((m) => formatMessage(m, pkg) ?? m.code);
      expect(errors).toEqual([]);
    }, 60_000);

    it("should have types that resolve for ESM consumers (attw --profile esm-only)", () => {
      const r = spawnSync(process.execPath, [attw, "--pack", ".", "--profile", "esm-only", "--no-color"], {
        cwd: pkgDir,
        encoding: "utf8",
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    }, 60_000);
  });
});
