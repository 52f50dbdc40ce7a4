import type { AnyPack, Issue } from "../../pack/types.js";
import type { MigrationStatus } from "../../storage/migrations.js";
import { makeIssue } from "../codes.js";

/** Badly numbered migrations, pending ones, and data newer than the code. @internal */
export function checkMigrations(packs: readonly AnyPack[], status: readonly MigrationStatus[]): Issue[] {
  const issues: Issue[] = [];
  for (const p of packs) {
    const versions = (p.migrations ?? []).map((m: { version: number }) => m.version);
    const sorted = [...versions].sort((a, b) => a - b);
    if (sorted.some((v, i) => v !== i + 1)) {
      issues.push(
        makeIssue("E_MIGRATIONS_INVALID", p.code, { reason: `versions are [${versions.join(", ")}]` }),
      );
      continue;
    }
    const s = status.find((x) => x.pack === p.code);
    if (!s) continue;
    if (s.current > s.latest)
      issues.push(makeIssue("E_STORAGE_AHEAD", p.code, { stored: s.current, latest: s.latest }));
    else if (s.current < s.latest)
      issues.push(makeIssue("W_MIGRATIONS_PENDING", p.code, { from: s.current, to: s.latest }));
  }
  return issues;
}
