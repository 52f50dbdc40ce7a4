/**
 * Child process of the bench: one server (host, bare Hono or bare Fastify) over one storage URL,
 * so the load generator never shares its event loop. Talks to the parent over IPC.
 * @module
 */
import { Session } from "node:inspector";
import { createDriver } from "@valhalla/host";
import { type HostFeature, type ServerKind, startServer } from "./lib/apps.js";
import { seedHoldings } from "./lib/seed.js";

/** What the parent asks for. */
export interface ServerSpec {
  readonly kind: ServerKind;
  readonly url: string;
  /** Holdings to create before listening (the GET case reads them); their ids are sent back. */
  readonly seed?: number;
  /** The host's request log (production configuration logs every request to a file). */
  readonly logFile: string;
  /** Host features left out (the `features` case). */
  readonly without?: readonly HostFeature[];
}

/**
 * V8's sampling heap profiler, keeping only allocations that outlived young-generation collections
 * (those collected by a full GC are kept, those a scavenge freed are not): what a request leaves
 * behind for the scavenger to copy, the cost that shows as long scavenge pauses and GC time.
 */
const survivors = (() => {
  let session: Session | undefined;
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
  return {
    async start() {
      session = new Session();
      session.connect();
      await post("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: false,
      });
    },
    async stop(): Promise<unknown> {
      const { profile } = await post<{ profile: unknown }>("HeapProfiler.stopSampling");
      session!.disconnect();
      session = undefined;
      return profile;
    },
  };
})();

/** RSS after a full GC, in bytes. */
function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

async function main() {
  const spec = JSON.parse(process.argv[2] ?? "{}") as ServerSpec;
  const driver = await createDriver(spec.url);
  await driver.init();
  const ids = spec.seed ? await seedHoldings(driver, spec.seed, spec.seed) : [];
  const server = await startServer(spec.kind, driver, {
    logFile: spec.logFile,
    ...(spec.without ? { without: spec.without } : {}),
  });
  process.on("message", async (msg: { cmd: string }) => {
    if (msg.cmd === "rss") process.send!({ rss: rss() });
    if (msg.cmd === "cpu") {
      const u = process.cpuUsage();
      process.send!({ cpu: u.user + u.system });
    }
    if (msg.cmd === "survivors-start") {
      await survivors.start();
      process.send!({ ok: true });
    }
    if (msg.cmd === "survivors-stop") {
      process.send!({ profile: await survivors.stop() });
    }
    if (msg.cmd === "close") {
      await server.close().catch(() => {});
      process.exit(0);
    }
  });
  process.send!({ port: server.port, ids, headers: server.headers, rss: rss() });
}

main().catch((err) => {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
