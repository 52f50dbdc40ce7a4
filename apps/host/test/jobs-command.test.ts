import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHost } from "../src/create-host.js";
import { jobsCommand } from "../src/jobs-command.js";
import { silentLogger } from "../src/log.js";
import { recordingJob, tickerPack } from "./fixtures/ticker-pack.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "valhalla-jobs-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pack = tickerPack([
  recordingJob("nightly", "30 2 * * *", { minMs: 10, maxMs: 10 }),
  recordingJob("broken", "0 3 * * *", { minMs: 1, maxMs: 1, fail: "upstream down" }),
]);

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await jobsCommand(args, {
    packs: [pack],
    storage: `sqlite:${join(dir, "store.db")}`,
    timezone: "Europe/Berlin",
    replicaId: "cli",
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("jobsCommand", () => {
  it("should list jobs, run one, and show its outcome as the last run", async () => {
    const before = await cli(["list"]);
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/^JOB\s+CRON\s+TIME ZONE\s+NEXT RUN\s+LAST RUN/);
    expect(before.out).toMatch(/ticker\/nightly\s+30 2 \* \* \*\s+Europe\/Berlin\s+\S+Z\s+never/);

    const run = await cli(["run", "ticker", "nightly"]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^ticker\/nightly run_[0-9a-f]{24} success in \d+ ms$/);

    const after = await cli(["list"]);
    expect(after.out).toMatch(/ticker\/nightly .* success \d{4}-/);
  });

  it("should exit 1 with the error for a failing job, and 2 for an unknown one or bad usage", async () => {
    const failed = await cli(["run", "ticker", "broken"]);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/failed in \d+ ms: upstream down$/);
    expect(await cli(["run", "ticker", "nope"])).toMatchObject({
      code: 2,
      err: "No job 'nope' in pack 'ticker'",
    });
    expect((await cli(["run", "ticker"])).code).toBe(2);
    expect((await cli(["frobnicate"])).code).toBe(2);
  });

  it("should refuse to run while a server replica's run holds the lease", async () => {
    const host = await createHost({
      auth: { disabled: true },
      packs: [tickerPack([recordingJob("nightly", "30 2 * * *", { minMs: 800, maxMs: 800 })])],
      storage: `sqlite:${join(dir, "store.db")}`,
      log: silentLogger,
      scheduler: { enabled: false },
    });
    try {
      const started = await host.scheduler.trigger("ticker", "nightly");
      expect(started.ok).toBe(true);
      const busy = await cli(["run", "ticker", "nightly"]);
      expect(busy).toMatchObject({
        code: 1,
        err: "Job 'ticker/nightly' has a run in progress; try again when it ends",
      });
    } finally {
      await host.close();
    }
  });
});
