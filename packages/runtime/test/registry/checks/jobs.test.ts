import { describe, expect, it } from "vitest";
import { definePack } from "../../../src/pack/define-pack.js";
import type { AnyPack, JobDef } from "../../../src/pack/types.js";
import { createRegistry } from "../../../src/registry/create-registry.js";
import type { Driver } from "../../../src/storage/driver.js";
import memory from "../../../src/storage/drivers/memory.js";

const pack = (jobs: JobDef<any>[], code = "tasks"): AnyPack =>
  definePack({ code, version: "1.0.0", description: "jobs", jobs });
const nightly: JobDef<any> = { name: "nightly", cron: "30 2 * * *", run: () => {} };

async function issues(packs: AnyPack[], opts: { driver?: Driver; replicas?: number } = {}) {
  const report = await createRegistry(packs, {
    driver: opts.driver ?? memory(),
    replicas: opts.replicas ?? 1,
  }).validate();
  return report.issues.map((i) => [i.severity, i.code, i.pack, i.message]);
}

describe("registry checks: jobs and the scheduler's guarantee", () => {
  it("should say the exactly-once guarantee is single-process on a process-lock driver", async () => {
    expect(await issues([pack([nightly])])).toEqual([
      [
        "info",
        "I_JOBS_SINGLE_PROCESS",
        null,
        "Jobs run exactly once only within one process on driver 'memory'",
      ],
    ]);
  });

  it("should refuse several replicas on a process-lock driver when packs declare jobs", async () => {
    expect(await issues([pack([nightly])], { replicas: 3 })).toEqual([
      [
        "error",
        "E_STORAGE_LOCKS",
        null,
        "Driver 'memory' only locks within one process, but the scheduler needs locks across processes",
      ],
    ]);
  });

  it("should report nothing for a cluster-lock driver or a pack set without jobs", async () => {
    const cluster: Driver = {
      ...memory(),
      name: "cluster-fake",
      capabilities: { locks: "cluster", indexes: "native", durable: true },
    };
    expect(await issues([pack([nightly])], { driver: cluster, replicas: 3 })).toEqual([]);
    expect(await issues([pack([])], { replicas: 3 })).toEqual([]);
  });

  it("should name the pack and job of an invalid cron or time zone", async () => {
    const found = await issues([
      pack([
        { name: "bad-cron", cron: "61 * * * *", run: () => {} },
        { name: "bad-tz", cron: "0 * * * *", timezone: "Mars/Olympus", run: () => {} },
      ]),
    ]);
    expect(found.filter((i) => i[0] === "error").map((i) => [i[1], i[2]])).toEqual([
      ["E_JOB_CRON_INVALID", "tasks"],
      ["E_JOB_TZ_INVALID", "tasks"],
    ]);
    expect(String(found[0]![3])).toContain("'tasks/bad-cron'");
    expect(String(found[1]![3])).toBe("Job 'tasks/bad-tz' has unknown time zone 'Mars/Olympus'");
  });
});
