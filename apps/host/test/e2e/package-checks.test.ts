import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lexerReady, packageProblems, publishableDirs } from "./package-checks.js";

// The tarball test relies on these checks to fail on a broken package; prove they do.
describe("packageProblems", () => {
  beforeAll(() => lexerReady);
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakePackage = (manifest: Record<string, unknown>, files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), "valhalla-pkgcheck-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "fake", ...manifest }));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };

  it("should accept a package whose exports, types and imports are all accounted for", () => {
    const pkg = fakePackage(
      {
        types: "./dist/index.d.ts",
        exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } },
        dependencies: { croner: "1" },
        peerDependencies: { "@valhalla/runtime": "^0.1.0" },
      },
      {
        "dist/index.js":
          'import { Cron } from "croner";\nimport { x } from "@valhalla/runtime/testing";\nimport fs from "node:fs";',
        "dist/index.d.ts": "export {};",
      },
    );
    expect(packageProblems(pkg)).toEqual([]);
  });

  it("should name missing types, missing export targets and undeclared imports", () => {
    const pkg = fakePackage(
      {
        exports: {
          ".": { import: "./dist/index.js" },
          "./refs": { types: "./dist/refs.d.ts", import: "./dist/refs.js" },
        },
      },
      { "dist/index.js": 'const v = await import("valibot");\nexport { v };' },
    );
    expect(packageProblems(pkg)).toEqual([
      'fake: no top-level "types"',
      `fake: export '.' has no "types" condition`,
      "fake: export './refs' (types) → missing ./dist/refs.d.ts",
      "fake: export './refs' (import) → missing ./dist/refs.js",
      "fake: dist/index.js imports 'valibot', which package.json does not declare",
    ]);
  });

  it("should report a package without an exports map", () => {
    expect(packageProblems(fakePackage({ main: "index.js" }, {}))).toEqual(['fake: no "exports" map']);
  });
});

// Published packages take ranges a consumer's installer can share (caret), as honojs/middleware
// does; this repository still installs exactly what its lockfile pins.
describe("published dependency ranges", () => {
  const root = join(import.meta.dirname, "../../../..");
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };

  it("should give every third-party dependency of a published package a caret range the lockfile satisfies", () => {
    const checked: string[] = [];
    for (const dir of publishableDirs(root)) {
      const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
        name: string;
        private?: boolean;
        dependencies?: Record<string, string>;
      };
      if (pkg.private) continue;
      for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
        if (dep.startsWith("@valhalla")) continue; // workspace packages: changesets keeps them in step
        expect(range, `${pkg.name} → ${dep}`).toMatch(/^\^\d+\.\d+\.\d+$/);
        const locked = lock.packages[`node_modules/${dep}`]?.version;
        expect(locked, `${dep} is in the lockfile`).toBeDefined();
        expect(semver.satisfies(locked!, range), `${dep}@${locked} satisfies ${range}`).toBe(true);
        checked.push(`${pkg.name}:${dep}`);
      }
    }
    expect(checked.length).toBeGreaterThan(5);
  });
});
