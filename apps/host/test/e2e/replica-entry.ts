/**
 * One host replica for the scheduler e2e: a `* * * * * *` job that works 300–500 ms and records
 * {tick_id, fence, replica, started_at, ended_at} through its fenced ctx.storage. Started by
 * scheduler-replicas.test.ts with `node --import tsx --conditions=@valhalla/source`.
 */
import { loadConfig } from "../../src/config.js";
import { createHost } from "../../src/create-host.js";
import { jsonLogger } from "../../src/log.js";
import { recordingJob, tickerPack } from "../fixtures/ticker-pack.js";

const replica = process.env.VALHALLA_REPLICA_ID ?? String(process.pid);
const host = await createHost({
  auth: { disabled: true },
  packs: [tickerPack([recordingJob("every-second", "* * * * * *", { minMs: 300, maxMs: 500, replica })])],
  storage: process.env.VALHALLA_STORAGE ?? "memory:",
  replicaId: replica,
  replicas: Number(process.env.VALHALLA_REPLICAS ?? "1"),
  // Synchronous: this process also writes its `ready` line to stdout, and the two must not interleave.
  log: jsonLogger({ replica }, { sync: true }),
  // The lease TTL comes through the same setting `valhalla serve` reads (VALHALLA_JOB_LEASE_MS).
  scheduler: { leaseTtlMs: loadConfig(process.env).jobLeaseMs ?? 5000, historyLimit: 1000 },
});
const { port } = await host.listen(0, "127.0.0.1");
process.stdout.write(`${JSON.stringify({ ready: port, replica })}\n`);
process.once("SIGTERM", () => {
  host.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
