/**
 * Child process of the L2 lock test: takes the lock `ACQUISITIONS` times, records each holding
 * interval on the store's clock, appends its fence to a shared log through a guarded write, and
 * every `PAUSE_EVERY`th time sleeps past the TTL first, after which its guarded write must fail.
 */
import type { Lease } from "@valhalla/runtime";
import { openDriver, type StoreSpec } from "./open-driver.js";

const spec = JSON.parse(process.env.STORE_SPEC!) as StoreSpec;
const acquisitions = Number(process.env.ACQUISITIONS ?? 100);
const ttl = Number(process.env.TTL_MS ?? 400);
const pauseEvery = Number(process.env.PAUSE_EVERY ?? 34);
const worker = process.env.WORKER ?? "w";
const driver = openDriver(spec);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (row: object) => process.stdout.write(`${JSON.stringify({ worker, ...row })}\n`);

await driver.init();
for (let i = 0; i < acquisitions; i++) {
  let lease: Lease | null = null;
  while (!(lease = await driver.acquire("l2-lock", ttl))) await sleep(1 + Math.random() * 4);
  const start = await driver.now();
  const paused = i % pauseEvery === pauseEvery - 1;
  if (paused) await sleep(ttl * 2);
  else await sleep(Math.random() * 5);
  // Append our fence to the log, conditional on the log's rev and guarded by the lease.
  let accepted = false;
  let fenced = false;
  for (;;) {
    const cur = await driver.get("l2.log", "log");
    const fences: number[] = cur ? JSON.parse(cur.value).fences : [];
    const rev = cur?.rev ?? 0;
    const res = await driver.write("l2.log", {
      record: { id: "log", rev: rev + 1, value: JSON.stringify({ fences: [...fences, lease.fence] }) },
      index: {},
      expectRev: rev,
      guard: lease,
    });
    if (res.ok) accepted = true;
    else if (res.reason === "fenced") fenced = true;
    else continue;
    break;
  }
  const end = await driver.now();
  const released = await driver.release(lease);
  out({ fence: lease.fence, start, end, expiresAt: lease.expiresAt, paused, accepted, fenced, released });
}
await driver.close();
