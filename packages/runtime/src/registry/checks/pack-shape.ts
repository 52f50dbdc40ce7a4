import semver from "semver";
import { PACK_CODE_PATTERN } from "../../pack/define-pack.js";
import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

/** Packs built without definePack (plain objects) get the same shape rules, as issues. @internal */
export function checkPackShape(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  for (const p of packs) {
    const code = typeof p?.code === "string" ? p.code : null;
    if (!code || !PACK_CODE_PATTERN.test(code)) {
      issues.push(
        makeIssue("E_PACK_INVALID", code, {
          reason: `code '${String(p?.code)}' must match ${PACK_CODE_PATTERN}`,
        }),
      );
    }
    if (typeof p?.version !== "string" || !semver.valid(p.version)) {
      issues.push(
        makeIssue("E_PACK_INVALID", code, { reason: `version '${String(p?.version)}' is not semver` }),
      );
    }
  }
  return issues;
}

/** Two packs with one code. @internal */
export function checkDuplicateCodes(packs: readonly AnyPack[]): Issue[] {
  const counts = new Map<string, number>();
  for (const p of packs) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 1)
    .map(([code, count]) => makeIssue("E_DUP_CODE", code, { code, count }));
}
