import { ProblemError, queryInt, reply, route, type Scheduler } from "@valhalla/runtime";
import * as v from "valibot";
import { type HostRoute, RunOut } from "./schemas.js";

const JobParams = v.object({
  pack: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,63}$/, "must be a pack code")),
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,63}$/, "must be a job name")),
});

const JobOut = v.looseObject({
  pack: v.string(),
  name: v.string(),
  cron: v.string(),
  timezone: v.string(),
  description: v.nullable(v.string()),
  allow_overlap: v.boolean(),
  missed: v.picklist(["skip", "catch-up-once"]),
  timeout_ms: v.number(),
  next_run: v.nullable(v.string()),
  last_run: v.nullable(RunOut),
});

/**
 * The host's job routes: list jobs, read one job's history, trigger a manual run. Manual runs go
 * through the same lease as scheduled ones, so at most one run of a job is in progress across
 * every replica sharing the store.
 * @internal
 */
export function jobRoutes(scheduler: () => Scheduler): HostRoute[] {
  const known = (pack: string, name: string) => {
    if (!scheduler().hasJob(pack, name))
      throw new ProblemError(404, "job-not-found", `No job '${name}' in pack '${pack}'`, { pack, job: name });
  };
  return [
    route({
      method: "GET",
      path: "/jobs",
      summary: "Every pack job with its schedule, next run and last run",
      scope: "admin",
      response: { status: 200, schema: v.object({ items: v.array(JobOut) }) },
      errors: [401, 403],
      handler: async () => ({ items: await scheduler().jobs() }),
    }),
    route({
      method: "GET",
      path: "/jobs/:pack/:name/runs",
      summary: "Run history of one job, newest first",
      scope: "admin",
      params: JobParams,
      query: v.strictObject({ limit: v.optional(queryInt(1, 1000)) }),
      response: { status: 200, schema: v.object({ items: v.array(RunOut) }) },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }) => {
        known(params.pack, params.name);
        return { items: (await scheduler().runs(params.pack, params.name, query.limit)) ?? [] };
      },
    }),
    route({
      method: "POST",
      path: "/jobs/:pack/:name/run",
      summary: "Run a job now (409 while a run of it is in progress on any replica)",
      description:
        "`?rerun=<run_id>` re-runs an interrupted run with its tick id, so effects keyed by tick id stay idempotent.",
      scope: "admin",
      params: JobParams,
      query: v.strictObject({
        rerun: v.optional(v.pipe(v.string(), v.regex(/^run_[A-Za-z0-9_-]{1,120}$/, "must be a run id"))),
      }),
      response: {
        status: 202,
        schema: v.object({ run_id: v.string() }),
        description: "The run started; its outcome appears in the job's history",
      },
      errors: [401, 403, 404, 409, 503],
      handler: async ({ params: { pack, name }, query }) => {
        known(pack, name);
        const res = await scheduler().trigger(pack, name, query.rerun ? { rerun: query.rerun } : {});
        if (res.ok) {
          return reply(
            202,
            { run_id: res.runId },
            { location: `/jobs/${encodeURIComponent(pack)}/${encodeURIComponent(name)}/runs` },
          );
        }
        if (res.reason === "unknown-run")
          throw new ProblemError(
            404,
            "run-not-found",
            `No run '${query.rerun}' of job '${pack}/${name}' in history`,
          );
        if (res.reason === "stopping")
          throw new ProblemError(
            503,
            "shutting-down",
            "The host is shutting down; retry on another replica",
            {},
            { "retry-after": "1" },
          );
        throw new ProblemError(
          409,
          "job-running",
          `Job '${pack}/${name}' has a run in progress; retry when it ends`,
          { pack, job: name },
        );
      },
    }),
  ];
}
