import {
  type AnyPack,
  createRegistry,
  createScheduler,
  type JobInfo,
  type RunRecord,
} from "@valhalla/runtime";
import { silentLogger } from "./log.js";
import { createDriver } from "./storage/create-driver.js";

/** What `valhalla jobs` needs from the host config. */
export interface JobsCommandOptions {
  readonly packs: readonly AnyPack[];
  readonly storage: string;
  readonly timezone: string;
  readonly replicaId: string;
  readonly packConfig?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly json?: boolean;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/**
 * `valhalla jobs list` and `valhalla jobs run <pack> <name>`, straight against the configured
 * store: a manual run from the CLI takes the same lease as the servers' scheduled runs, so it
 * never overlaps one. Resolves with the exit code (0 ok, 1 run failed or busy, 2 usage).
 */
export async function jobsCommand(args: readonly string[], options: JobsCommandOptions): Promise<number> {
  const out = options.out ?? ((l) => console.log(l));
  const err = options.err ?? ((l) => console.error(l));
  const [sub, pack, name] = args;
  if (sub !== "list" && sub !== "run") {
    err("Usage: valhalla jobs list [--json] | valhalla jobs run <pack> <name> [--json]");
    return 2;
  }
  if (sub === "run" && (!pack || !name)) {
    err("Usage: valhalla jobs run <pack> <name>");
    return 2;
  }
  const driver = await createDriver(options.storage);
  await driver.init();
  try {
    const registry = createRegistry(options.packs, {
      driver,
      timezone: options.timezone,
      log: silentLogger,
      ...(options.packConfig ? { config: options.packConfig } : {}),
    });
    const scheduler = createScheduler({ registry, driver, replicaId: options.replicaId, log: silentLogger });
    if (sub === "list") {
      const jobs = await scheduler.jobs();
      out(options.json ? JSON.stringify(jobs, null, 2) : formatJobs(jobs));
      return 0;
    }
    const res = await scheduler.trigger(pack!, name!);
    if (!res.ok) {
      err(
        res.reason === "unknown-job"
          ? `No job '${name}' in pack '${pack}'`
          : `Job '${pack}/${name}' has a run in progress; try again when it ends`,
      );
      return res.reason === "unknown-job" ? 2 : 1;
    }
    const run = await res.done;
    await scheduler.stop();
    if (!run) {
      err(`Run ${res.runId} lost its lease; its result was not recorded`);
      return 1;
    }
    out(options.json ? JSON.stringify(run, null, 2) : formatRun(run));
    return run.outcome === "success" ? 0 : 1;
  } finally {
    await driver.close();
  }
}

function formatJobs(jobs: readonly JobInfo[]): string {
  if (jobs.length === 0) return "No jobs.";
  const rows = jobs.map((j) => [
    `${j.pack}/${j.name}`,
    j.cron,
    j.timezone,
    j.next_run ?? "-",
    j.last_run ? `${j.last_run.outcome ?? "running"} ${j.last_run.started_at}` : "never",
  ]);
  const head = ["JOB", "CRON", "TIME ZONE", "NEXT RUN", "LAST RUN"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function formatRun(run: RunRecord): string {
  const tail = run.error ? `: ${run.error}` : "";
  return `${run.pack}/${run.job} ${run.run_id} ${run.outcome} in ${run.duration_ms} ms${tail}`;
}
