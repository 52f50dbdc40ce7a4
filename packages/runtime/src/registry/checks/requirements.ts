import semver from "semver";
import type { ServiceRef } from "../../pack/service-ref.js";
import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

const refsOf = (p: AnyPack): ServiceRef<unknown, boolean>[] =>
  Object.values(p.requires ?? {}) as ServiceRef<unknown, boolean>[];

/** Missing or incompatible requirements, and refs a provider does not supply. @internal */
export function checkRequirements(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  const byCode = new Map(packs.map((p) => [p.code, p]));
  for (const p of packs) {
    for (const ref of refsOf(p)) {
      const provider = byCode.get(ref.pack);
      if (!provider) {
        issues.push(
          ref.optional
            ? makeIssue("I_OPTIONAL_MISSING", p.code, { required: ref.pack })
            : makeIssue("E_REQUIRE_MISSING", p.code, { required: ref.pack, ref: String(ref) }),
        );
        continue;
      }
      if (semver.valid(provider.version) && !semver.satisfies(provider.version, ref.version)) {
        issues.push(
          makeIssue("E_REQUIRE_VERSION", p.code, {
            required: ref.pack,
            range: ref.version,
            found: provider.version,
          }),
        );
        continue;
      }
      const provided = (provider.provides ?? []).some((r: ServiceRef<unknown, boolean>) => r.id === ref.id);
      if (!provided)
        issues.push(
          makeIssue("E_PROVIDE_MISSING", p.code, { provider: ref.pack, service: `${ref.pack}.${ref.id}` }),
        );
    }
  }
  return issues;
}

/** Dependency cycles, each reported once with its path. @internal */
export function checkCycles(packs: readonly AnyPack[]): Issue[] {
  const edges = new Map(packs.map((p) => [p.code, [...new Set(refsOf(p).map((r) => r.pack))]]));
  const issues: Issue[] = [];
  const reported = new Set<string>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (code: string) => {
    state.set(code, "visiting");
    stack.push(code);
    for (const next of edges.get(code) ?? []) {
      if (!edges.has(next)) continue;
      if (state.get(next) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          issues.push(makeIssue("E_DEP_CYCLE", next, { path: cycle }));
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(code, "done");
  };
  for (const p of packs) if (!state.has(p.code)) visit(p.code);
  return issues;
}

/** Packs in dependency order (providers first); cycles broken arbitrarily. @internal */
export function topoOrder(packs: readonly AnyPack[]): AnyPack[] {
  const byCode = new Map(packs.map((p) => [p.code, p]));
  const out: AnyPack[] = [];
  const seen = new Set<string>();
  const visit = (p: AnyPack) => {
    if (seen.has(p.code)) return;
    seen.add(p.code);
    for (const ref of refsOf(p)) {
      const dep = byCode.get(ref.pack);
      if (dep) visit(dep);
    }
    out.push(p);
  };
  packs.forEach(visit);
  return out;
}
