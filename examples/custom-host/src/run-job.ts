import { silentLogger } from "@valhalla/host";
import { buildHost, settings } from "./host.js";

/**
 * Run one pack job once against the configured store and print its outcome as JSON:
 * `node dist/run-job.js inventory low-stock`. Handy from system cron on a host that does not keep
 * a scheduler running.
 */
export async function runJob(packCode: string, jobName: string): Promise<unknown> {
  const host = await buildHost(settings(), { log: silentLogger });
  try {
    // The same claim and lease as scheduled runs: a run already in progress elsewhere is "busy".
    const started = await host.scheduler.trigger(packCode, jobName);
    if (!started.ok) throw new Error(`Cannot run '${packCode}/${jobName}': ${started.reason}`);
    const run = await started.done;
    return { run_id: started.runId, outcome: run?.outcome ?? null, error: run?.error ?? null };
  } finally {
    await host.close();
  }
}

const [packCode, jobName] = process.argv.slice(2);
if (packCode && jobName) {
  runJob(packCode, jobName).then(
    (result) => console.log(JSON.stringify({ job: `${packCode}/${jobName}`, result })),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
