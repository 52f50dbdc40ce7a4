import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isolatedPostgres, isolatedRedis, postgresStore, redisStore } from "../services.js";
import { openDriver, type StoreSpec } from "./open-driver.js";

const here = dirname(fileURLToPath(import.meta.url));
const PROCESSES = 3;
const ACQUISITIONS = 100;
const PAUSE_EVERY = 34;

interface Grant {
  worker: string;
  fence: number;
  start: number;
  end: number;
  expiresAt: number;
  paused: boolean;
  accepted: boolean;
  fenced: boolean;
  released: boolean;
}

function runWorker(spec: StoreSpec, worker: string): Promise<Grant[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@valhalla/source", join(here, "lock-worker.ts")],
      {
        env: {
          ...process.env,
          STORE_SPEC: JSON.stringify(spec),
          WORKER: worker,
          ACQUISITIONS: String(ACQUISITIONS),
          PAUSE_EVERY: String(PAUSE_EVERY),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`worker ${worker} exited ${code}: ${stderr}`));
      else
        resolve(
          stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Grant),
        );
    });
  });
}

const targets: {
  name: string;
  skip: string | false;
  make(): { spec: StoreSpec; cleanup(): Promise<void> };
}[] = [
  {
    name: "sqlite",
    skip: false,
    make() {
      const dir = mkdtempSync(join(tmpdir(), "valhalla-l2-"));
      return {
        spec: { kind: "sqlite", path: join(dir, "l2.db") },
        cleanup: async () => rmSync(dir, { recursive: true }),
      };
    },
  },
  {
    name: "redis",
    skip: redisStore.skip && "VALHALLA_TEST_REDIS_URL is not set",
    make() {
      const { url, prefix, cleanup } = isolatedRedis();
      return { spec: { kind: "redis", url, prefix }, cleanup };
    },
  },
  {
    name: "postgres",
    skip: postgresStore.skip && "VALHALLA_TEST_POSTGRES_URL is not set",
    make() {
      const { url, schema, cleanup } = isolatedPostgres();
      return { spec: { kind: "postgres", url, schema }, cleanup };
    },
  },
];

for (const target of targets) {
  describe.skipIf(!!target.skip)(`locks across processes (${target.name})`, () => {
    it(`should give ${PROCESSES} processes x ${ACQUISITIONS} disjoint holdings with increasing fences and fence stale writers`, async () => {
      const { spec, cleanup } = target.make();
      try {
        // Create the schema once before the workers race to it.
        const setup = openDriver(spec);
        await setup.init();
        await setup.close();
        const grants = (
          await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(spec, `w${i}`)))
        ).flat();
        expect(grants).toHaveLength(PROCESSES * ACQUISITIONS);

        // A holding lasts from the grant until the holder let go, or until its lease expired
        // (store clock), whichever came first: a holder past its TTL holds nothing.
        const until = (g: Grant) => Math.min(g.end, g.expiresAt);
        // Fences are unique, and ordering holdings by fence orders them in time, without overlap.
        const byFence = [...grants].sort((a, b) => a.fence - b.fence);
        for (let i = 1; i < byFence.length; i++) {
          expect(byFence[i]!.fence).toBeGreaterThan(byFence[i - 1]!.fence);
          expect(byFence[i]!.start).toBeGreaterThanOrEqual(until(byFence[i - 1]!));
        }
        // Every paused holder lost its lease: its write was fenced. (Its release may still succeed
        // when nobody took the expired lock meanwhile; that frees nothing anyone else holds.)
        const paused = grants.filter((g) => g.paused);
        expect(paused.length).toBe(PROCESSES * Math.floor(ACQUISITIONS / PAUSE_EVERY));
        for (const g of paused) expect(g).toMatchObject({ accepted: false, fenced: true });
        // Live holders write unless the machine stalled them past the TTL, in which case they are
        // fenced too; either way each write is accepted or fenced, never lost.
        const live = grants.filter((g) => !g.paused);
        for (const g of live) expect(g.accepted !== g.fenced).toBe(true);
        expect(live.filter((g) => g.accepted).length).toBeGreaterThan(live.length * 0.9);
        const stale = grants.filter((g) => g.fenced).length;
        console.info(
          `[L2 ${target.name}] ${grants.length} grants, ${grants.length - stale} guarded writes accepted, ${stale} stale writes rejected`,
        );

        // The log holds exactly the live holders' fences, in increasing order: no stale write landed.
        const check = openDriver(spec);
        const log = await check.get("l2.log", "log");
        await check.close();
        const fences = JSON.parse(log!.value).fences as number[];
        expect(fences).toEqual(byFence.filter((g) => g.accepted).map((g) => g.fence));
      } finally {
        await cleanup();
      }
    }, 90_000);
  });
}
