import { silentLogger } from "@valhalla/host";
import { buildHost, settings } from "./host.js";

/**
 * Run one pack job once against the configured store and print its result as JSON:
 * `node dist/run-job.js inventory low-stock`. Handy from system cron on a host that does not keep
 * a scheduler running.
 */
export async function runJob(packCode: string, jobName: string): Promise<unknown> {
  const host = await buildHost(settings(), { log: silentLogger });
  try {
    const pack = host.registry.packs.find((p) => p.code === packCode);
    const job = pack?.jobs?.find((j) => j.name === jobName);
    if (!job) throw new Error(`No job '${packCode}/${jobName}' in this host`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("job timed out")), job.timeoutMs ?? 300_000);
    try {
      const ctx = host.registry.context(packCode, { signal: controller.signal });
      return await job.run({ ...ctx, signal: controller.signal, tickId: `manual-${Date.now()}` });
    } finally {
      clearTimeout(timer);
    }
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
