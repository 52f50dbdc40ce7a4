import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHost, type Host } from "../../src/create-host.js";
import { silentLogger } from "../../src/log.js";
import { recordingJob, tickerPack } from "../fixtures/ticker-pack.js";

const hosts: Host[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const get = (host: Host, path: string) => host.fetch(new Request(`http://local${path}`));
const post = (host: Host, path: string) => host.fetch(new Request(`http://local${path}`, { method: "POST" }));

async function host(
  jobs = [recordingJob("nightly", "30 2 * * *")],
  storage: string = "memory:",
  replicaId = "r1",
) {
  const h = await createHost({
    auth: { disabled: true },
    packs: [tickerPack(jobs)],
    storage,
    log: silentLogger,
    replicaId,
    timezone: "Europe/Berlin",
    scheduler: { enabled: false, leaseTtlMs: 5000 },
  });
  hosts.push(h);
  return h;
}

/** History of one job through the route, once every run this host started has been recorded. */
async function settledRuns(h: Host, job: string): Promise<Record<string, unknown>[]> {
  // idle() resolves when the scheduler has no run or history write in flight: an event of the
  // code under test, not a guess at how long the job takes.
  await h.scheduler.idle();
  const res = await get(h, `/jobs/ticker/${job}/runs`);
  return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

describe("job routes", () => {
  it("should list every job with cron, time zone, next run and last run", async () => {
    const h = await host([
      recordingJob("nightly", "30 2 * * *"),
      { ...recordingJob("ny", "0 9 * * 1"), timezone: "America/New_York" },
    ]);
    const before = Date.now();
    const res = await get(h, "/jobs");
    const after = Date.now();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Record<string, unknown>[] };
    expect(body.items.map((j) => [j.pack, j.name, j.cron, j.timezone, j.last_run])).toEqual([
      ["ticker", "nightly", "30 2 * * *", "Europe/Berlin", null],
      ["ticker", "ny", "0 9 * * 1", "America/New_York", null],
    ]);
    // The next daily slot after the moment the host answered (somewhere in [before, after]); a
    // local day lasts at most 25 h (DST), so this brackets it exactly, whatever the machine's speed.
    const next = Date.parse(String(body.items[0]!.next_run));
    expect(next).toBeGreaterThan(before);
    expect(next).toBeLessThanOrEqual(after + 25 * 3_600_000);
  });

  it("should answer 404 problem for an unknown job", async () => {
    const h = await host();
    const res = await get(h, "/jobs/ticker/nope/runs");
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "https://valhalla.dev/problems/job-not-found",
      status: 404,
      job: "nope",
    });
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await post(h, "/jobs/other/nightly/run")).status).toBe(404);
  });

  it("should answer 400 naming 'limit' for a bad limit", async () => {
    const h = await host();
    const res = await get(h, "/jobs/ticker/nightly/runs?limit=0");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(["limit"]);
  });

  it("should start a manual run with 202, refuse a second with 409, then show both outcomes in history", async () => {
    const h = await host([recordingJob("nightly", "30 2 * * *", { minMs: 300, maxMs: 300 })]);
    const first = await post(h, "/jobs/ticker/nightly/run");
    expect(first.status).toBe(202);
    const { run_id } = (await first.json()) as { run_id: string };
    expect(run_id).toMatch(/^run_[0-9a-f]{24}$/);
    expect(first.headers.get("location")).toBe("/jobs/ticker/nightly/runs");

    const second = await post(h, "/jobs/ticker/nightly/run");
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({
      type: "https://valhalla.dev/problems/job-running",
      status: 409,
    });

    const done = await settledRuns(h, "nightly");
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      run_id,
      trigger: "manual",
      replica: "r1",
      outcome: "success",
      error: null,
    });
    expect(done[0]!.duration_ms).toBeGreaterThanOrEqual(250);
    const jobs = (await (await get(h, "/jobs")).json()) as { items: { last_run: { run_id: string } }[] };
    expect(jobs.items[0]!.last_run.run_id).toBe(run_id);
  });

  it("should re-run a run with its tick id on ?rerun=, and 404 an unknown run", async () => {
    const h = await host();
    const first = await post(h, "/jobs/ticker/nightly/run");
    const { run_id } = (await first.json()) as { run_id: string };
    await settledRuns(h, "nightly");
    const again = await post(h, `/jobs/ticker/nightly/run?rerun=${run_id}`);
    expect(again.status).toBe(202);
    const runs = await settledRuns(h, "nightly");
    const original = runs.find((r) => r.run_id === run_id)!;
    const rerun = runs.find((r) => r.run_id !== run_id)!;
    expect(rerun).toMatchObject({ tick_id: original.tick_id, rerun_of: run_id, outcome: "success" });
    const unknown = await post(h, "/jobs/ticker/nightly/run?rerun=run_nope");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { type: string }).type).toBe(
      "https://valhalla.dev/problems/run-not-found",
    );
  });

  it("should keep serving when a job fails, with the error in its history", async () => {
    const h = await host([
      recordingJob("broken", "30 2 * * *", { minMs: 1, maxMs: 1, fail: "upstream down" }),
    ]);
    expect((await post(h, "/jobs/ticker/broken/run")).status).toBe(202);
    const items = await settledRuns(h, "broken");
    expect(items[0]).toMatchObject({ outcome: "failed", error: "upstream down" });
    expect((await get(h, "/healthz")).status).toBe(200);
  });

  it("should give exactly one 202 for three concurrent manual runs from three hosts on one store (S4)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "valhalla-s4-"));
    dirs.push(dir);
    const url = `sqlite:${join(dir, "store.db")}`;
    const job = [recordingJob("nightly", "30 2 * * *", { minMs: 500, maxMs: 500 })];
    const replicas = [await host(job, url, "a"), await host(job, url, "b"), await host(job, url, "c")];
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(replicas.map((r) => post(r, "/jobs/ticker/nightly/run")));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 409, 409]);
      // Each host's scheduler is idle once the run it started (if any) is recorded.
      for (const r of replicas) await r.scheduler.idle();
      const items = await settledRuns(replicas[0]!, "nightly");
      expect(items.map((i) => i.outcome)).toEqual(Array(round + 1).fill("success"));
    }
    const { items } = (await (await get(replicas[2]!, "/jobs/ticker/nightly/runs")).json()) as {
      items: { fence: number }[];
    };
    expect(items.map((i) => i.fence)).toEqual([...items.map((i) => i.fence)].sort((x, y) => y - x));
  });

  it("should wait for a running job on close, up to the deadline", async () => {
    const h = await createHost({
      auth: { disabled: true },
      packs: [tickerPack([recordingJob("nightly", "30 2 * * *", { minMs: 200, maxMs: 200 })])],
      storage: "memory:",
      log: silentLogger,
      scheduler: { enabled: true, stopDeadlineMs: 5000 },
    });
    expect(h.scheduler.started).toBe(true);
    expect((await post(h, "/jobs/ticker/nightly/run")).status).toBe(202);
    await h.close();
    const runs = await h.scheduler.runs("ticker", "nightly");
    expect(runs?.[0]).toMatchObject({ outcome: "success" });
  });
});
