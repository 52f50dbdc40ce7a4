import { page } from "@valhalla/runtime";
import { when } from "../format.js";
import { ProblemPanel } from "../layout.js";

/** A job as `GET /jobs` lists it. @internal */
export interface JobItem {
  readonly pack: string;
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly description: string | null;
  readonly next_run: string | null;
  readonly last_run: {
    readonly run_id: string;
    readonly outcome: string | null;
    readonly started_at: string;
    readonly error: string | null;
  } | null;
}

/** Whether a job's last run went wrong (a skipped overlapping tick is not a failure). @internal */
export const jobFailed = (j: JobItem): boolean =>
  j.last_run?.outcome !== undefined &&
  j.last_run.outcome !== null &&
  j.last_run.outcome !== "success" &&
  j.last_run.outcome !== "skipped-overlap";

/** Jobs: every pack job with its schedule, last outcome and a Run now button. @internal */
export const jobsPage = page({
  path: "/jobs",
  title: "Jobs",
  nav: "Jobs",
  actions: {
    run: async (ctx, form) => {
      const path = `/jobs/${encodeURIComponent(form.pack ?? "")}/${encodeURIComponent(form.name ?? "")}/run`;
      const res = await ctx.api.send<{ run_id: string }>("POST", path);
      if (!res.ok) return { error: res.problem };
      return { redirect: ctx.path, notice: `Started ${form.pack}/${form.name} (${res.data.run_id}).` };
    },
  },
  render: async (ctx) => {
    const { items } = await ctx.api.get<{ items: JobItem[] }>("/jobs");
    return (
      <>
        {ctx.submission?.error && (
          <ProblemPanel problem={ctx.submission.error} heading="The job did not start" />
        )}
        <section class="table-wrap" aria-label="Jobs" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run (UTC)</th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {items.map((j) => (
                <tr>
                  <td>
                    <strong>
                      {j.pack}/{j.name}
                    </strong>
                    {j.description && <div class="muted">{j.description}</div>}
                  </td>
                  <td>
                    <code>{j.cron}</code> <span class="muted">{j.timezone}</span>
                  </td>
                  <td>
                    {j.last_run ? (
                      <>
                        <span class={`badge ${jobFailed(j) ? "bad" : "ok"}`}>
                          {j.last_run.outcome ?? "running"}
                        </span>{" "}
                        {when(j.last_run.started_at)}
                        {j.last_run.error && <div class="muted">{j.last_run.error}</div>}
                      </>
                    ) : (
                      <span class="muted">never</span>
                    )}
                  </td>
                  <td>{when(j.next_run)}</td>
                  <td>
                    <form method="post" class="inline">
                      <input type="hidden" name="_csrf" value={ctx.csrf} />
                      <input type="hidden" name="_action" value="run" />
                      <input type="hidden" name="pack" value={j.pack} />
                      <input type="hidden" name="name" value={j.name} />
                      <button type="submit" class="secondary" aria-label={`Run now: ${j.pack}/${j.name}`}>
                        Run now
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </>
    );
  },
});
