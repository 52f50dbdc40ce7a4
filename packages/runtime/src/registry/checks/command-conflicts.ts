import type { AnyPack, Issue } from "../../pack/types.js";
import { makeIssue } from "../codes.js";

const COMMAND_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * CLI commands packs add: well formed, and no name twice (against the host's own commands, passed
 * in by the host, and across packs).
 * @internal
 */
export function checkCommands(packs: readonly AnyPack[], hostCommands: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const owner = new Map<string, string>(hostCommands.map((c) => [c, "host"]));
  for (const p of packs) {
    for (const c of p.commands ?? []) {
      const name = String(c?.name);
      const reason = !COMMAND_NAME.test(name)
        ? "the name must be lowercase words joined by '-'"
        : typeof c.run !== "function"
          ? "run is not a function"
          : typeof c.summary !== "string" || c.summary.trim() === "" || typeof c.usage !== "string"
            ? "summary or usage is missing"
            : null;
      if (reason) {
        issues.push(makeIssue("E_COMMAND_INVALID", p.code, { command: name, reason }));
        continue;
      }
      const first = owner.get(name);
      if (first !== undefined)
        issues.push(makeIssue("E_COMMAND_CONFLICT", p.code, { command: name, first, second: p.code }));
      else owner.set(name, p.code);
    }
  }
  return issues;
}
