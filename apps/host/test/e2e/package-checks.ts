import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { init as initLexer, parse as parseModule } from "es-module-lexer";

/** Workspace folders (relative to `root`) whose packages are published (they declare `exports`), in build order. */
export function publishableDirs(root: string): string[] {
  return ["packages", "apps", "examples"].flatMap((group) => {
    const base = join(root, group);
    if (!existsSync(base)) return [];
    const dirs = readdirSync(base)
      .map((name) => join(group, name))
      .filter((dir) => {
        const manifest = join(root, dir, "package.json");
        return existsSync(manifest) && readJson(manifest).exports;
      });
    // The runtime first: everything else peers on it.
    return dirs.sort((a, b) => Number(b.endsWith("/runtime")) - Number(a.endsWith("/runtime")));
  });
}

/**
 * What an installed package lacks at run time: `exports` and `types`, export targets that are not
 * in the tarball, and bare imports in its built code that its manifest does not declare.
 */
/** Call once before `packageProblems`: the lexer is WebAssembly. */
export const lexerReady: Promise<void> = initLexer;

export function packageProblems(pkgDir: string): string[] {
  const pkg = readJson(join(pkgDir, "package.json"));
  const name = String(pkg.name);
  const out: string[] = [];
  if (!pkg.exports || typeof pkg.exports !== "object") return [`${name}: no "exports" map`];
  if (!pkg.types) out.push(`${name}: no top-level "types"`);
  for (const [subpath, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
    if (typeof target === "string") {
      if (!existsSync(join(pkgDir, target))) out.push(`${name}: export '${subpath}' → missing ${target}`);
      continue;
    }
    const t = target as Record<string, string>;
    if (!t.types) out.push(`${name}: export '${subpath}' has no "types" condition`);
    if (!t.import) out.push(`${name}: export '${subpath}' has no "import" condition`);
    for (const cond of ["types", "import"] as const) {
      const file = t[cond];
      if (file && !existsSync(join(pkgDir, file)))
        out.push(`${name}: export '${subpath}' (${cond}) → missing ${file}`);
    }
  }
  const declared = new Set([
    name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const builtins = new Set(builtinModules);
  const dist = join(pkgDir, "dist");
  for (const file of existsSync(dist) ? walk(dist).filter((f) => f.endsWith(".js")) : []) {
    const code = readFileSync(file, "utf8");
    // A real ES module lexer, so strings that merely look like imports are never read as imports.
    const [imports] = parseModule(code);
    for (const imp of imports) {
      if (imp.n === undefined || imp.n.startsWith(".")) continue;
      const spec = imp.n;
      if (spec.startsWith("node:") || builtins.has(spec)) continue;
      const bare = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
      if (!declared.has(bare))
        out.push(
          `${name}: ${file.slice(pkgDir.length + 1)} imports '${bare}', which package.json does not declare`,
        );
    }
  }
  return [...new Set(out)];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, "utf8"));
}
