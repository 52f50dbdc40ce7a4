import * as v from "valibot";
import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

/** Each pack's config section against its declared `configSchema`, every bad field reported. @internal */
export function checkConfig(packs: readonly AnyPack[], config: Readonly<Record<string, unknown>>): Issue[] {
  const issues: Issue[] = [];
  for (const p of packs) {
    if (!p.configSchema) continue;
    const result = v.safeParse(p.configSchema, config[p.code] ?? {});
    if (result.success) continue;
    for (const issue of result.issues) {
      const path = v.getDotPath(issue);
      issues.push(
        makeIssue("E_CONFIG_INVALID", p.code, {
          field: `${p.code}${path ? `.${path}` : ""}`,
          reason: issue.message,
        }),
      );
    }
  }
  return issues;
}
