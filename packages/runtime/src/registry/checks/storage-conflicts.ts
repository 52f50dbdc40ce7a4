import type { AnyPack, Issue } from "../../pack/types.js";
import type { CollectionDef } from "../../storage/collection.js";
import type { DriverCapabilities } from "../../storage/driver.js";
import { makeIssue } from "../codes.js";

/** Namespace key of a pack's collection. @internal */
export const namespaceKey = (code: string, ns: string): string => `${code}.${ns}`;

/** Namespace and id-prefix collisions between packs. @internal */
export function checkStorageConflicts(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  const namespaces = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const p of packs) {
    for (const [ns, def] of Object.entries((p.storage ?? {}) as Record<string, CollectionDef>)) {
      const key = namespaceKey(p.code, ns);
      const owner = namespaces.get(key);
      if (owner !== undefined)
        issues.push(makeIssue("E_NS_CONFLICT", p.code, { namespace: key, first: owner, second: p.code }));
      else namespaces.set(key, p.code);
      const prefixOwner = prefixes.get(def.prefix);
      if (prefixOwner !== undefined && prefixOwner !== key) {
        issues.push(
          makeIssue("E_ID_PREFIX_CONFLICT", p.code, { prefix: def.prefix, first: prefixOwner, second: key }),
        );
      } else prefixes.set(def.prefix, key);
    }
  }
  return issues;
}

/** What the chosen driver cannot give the installed packs. @internal */
export function checkDriverCapabilities(
  packs: readonly AnyPack[],
  driver: { name: string; capabilities: DriverCapabilities },
  options: { replicas: number },
): Issue[] {
  const issues: Issue[] = [];
  const caps = driver.capabilities;
  if (caps.locks === "process") {
    for (const p of packs) {
      if (p.needsClusterLocks && options.replicas > 1) {
        issues.push(makeIssue("E_STORAGE_LOCKS", p.code, { driver: driver.name, needs: `pack '${p.code}'` }));
      }
    }
    const hasJobs = packs.some((p) => (p.jobs ?? []).length > 0);
    if (hasJobs && options.replicas > 1) {
      issues.push(makeIssue("E_STORAGE_LOCKS", null, { driver: driver.name, needs: "the scheduler" }));
    } else if (hasJobs) {
      issues.push(makeIssue("I_JOBS_SINGLE_PROCESS", null, { driver: driver.name }));
    }
  }
  if (caps.indexes === "scan") {
    for (const p of packs) {
      for (const ns of Object.keys(p.storage ?? {})) {
        issues.push(
          makeIssue("W_INDEX_SCAN", p.code, { namespace: namespaceKey(p.code, ns), driver: driver.name }),
        );
      }
    }
  }
  return issues;
}
