import { ProblemError, type Scheduler } from "@valhalla/runtime";
import type { Hono } from "hono";

/**
 * The host's job routes: list jobs, read one job's history, trigger a manual run. Manual runs go
 * through the same lease as scheduled ones, so at most one run of a job is in progress across
 * every replica sharing the store.
 */
export function mountJobRoutes(app: Hono, scheduler: Scheduler): void {
  const known = (pack: string, name: string) => {
    if (!scheduler.hasJob(pack, name))
      throw new ProblemError(404, "job-not-found", `No job '${name}' in pack '${pack}'`, { pack, job: name });
  };

  app.get("/jobs", async (c) => c.json({ items: await scheduler.jobs() }));

  app.get("/jobs/:pack/:name/runs", async (c) => {
    const { pack, name } = c.req.param();
    known(pack, name);
    const raw = c.req.query("limit");
    let limit: number | undefined;
    if (raw !== undefined) {
      limit = Number(raw);
      if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) {
        throw new ProblemError(400, "invalid-query", "'limit' must be an integer from 1 to 1000", {
          errors: [
            { pointer: "/query/limit", field: "limit", message: "Expected an integer from 1 to 1000" },
          ],
        });
      }
    }
    return c.json({ items: (await scheduler.runs(pack, name, limit)) ?? [] });
  });

  app.post("/jobs/:pack/:name/run", async (c) => {
    const { pack, name } = c.req.param();
    known(pack, name);
    const res = await scheduler.trigger(pack, name);
    if (res.ok) {
      return c.json({ run_id: res.runId }, 202, {
        location: `/jobs/${encodeURIComponent(pack)}/${encodeURIComponent(name)}/runs`,
      });
    }
    if (res.reason === "stopping")
      throw new ProblemError(
        503,
        "shutting-down",
        "The host is shutting down; retry on another replica",
        {},
        {
          "retry-after": "1",
        },
      );
    throw new ProblemError(
      409,
      "job-running",
      `Job '${pack}/${name}' has a run in progress; retry when it ends`,
      {
        pack,
        job: name,
      },
    );
  });
}
