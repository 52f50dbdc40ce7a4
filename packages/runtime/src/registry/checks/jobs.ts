import { Cron } from "croner";
import type { AnyPack, Issue } from "../../pack/types.js";
import { isTimeZone } from "../../time/zoned-date.js";
import { makeIssue } from "../codes.js";

/** Whether a cron pattern parses; returns the reason when it does not. @internal */
export function cronError(pattern: string, timezone?: string): string | null {
  try {
    new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) }).stop();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Invalid cron patterns or time zones and duplicate job names. @internal */
export function checkJobs(packs: readonly AnyPack[]): Issue[] {
  const issues: Issue[] = [];
  for (const p of packs) {
    const names = new Set<string>();
    for (const job of p.jobs ?? []) {
      const label = `${p.code}/${job.name}`;
      if (names.has(job.name)) issues.push(makeIssue("E_JOB_DUP", p.code, { job: label }));
      names.add(job.name);
      if (job.timezone !== undefined && !isTimeZone(job.timezone)) {
        issues.push(makeIssue("E_JOB_TZ_INVALID", p.code, { job: label, timezone: job.timezone }));
        continue;
      }
      const reason = typeof job.cron === "string" ? cronError(job.cron) : "cron must be a string";
      if (reason)
        issues.push(makeIssue("E_JOB_CRON_INVALID", p.code, { job: label, cron: String(job.cron), reason }));
    }
  }
  return issues;
}
