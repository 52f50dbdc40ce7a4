import { type PageContext, type PageDef, page, type WidgetDef } from "@valhalla/runtime";
import { money } from "../format.js";
import { ProblemPanel } from "../layout.js";
import { type ApprovalItem, approvalActions } from "./approval-actions.js";
import { ApprovalTable } from "./approval-list.js";
import { type JobItem, jobFailed } from "./jobs.js";

interface BriefSection {
  readonly pack: string;
  readonly ok: boolean;
  readonly title?: string;
  readonly error?: string;
  readonly items?: readonly { label: string; value?: unknown; href?: string }[];
  readonly data?: Record<string, unknown>;
}
interface Brief {
  readonly date: string;
  readonly mode: "live" | "soft_launch";
  readonly sections: readonly BriefSection[];
}
interface Due {
  readonly bill_id: string;
  readonly name: string;
  readonly due_date: string;
  readonly expected_minor: number;
  readonly currency: string;
}
interface FollowUp {
  readonly id: string;
  readonly title: string;
  readonly due_date: string;
}

const sectionOf = (brief: Brief, pack: string) => brief.sections.find((s) => s.pack === pack && s.ok);

function BillsDue(props: { readonly brief: Brief }) {
  const s = sectionOf(props.brief, "bills");
  if (!s) return null;
  const upcoming = (s.data?.upcoming ?? []) as Due[];
  const missed = (s.data?.missed ?? []) as Due[];
  return (
    <section class="card" aria-labelledby="today-bills">
      <h2 id="today-bills">Bills</h2>
      <h3>Overdue ({missed.length})</h3>
      {missed.length === 0 ? (
        <p class="muted">Nothing overdue.</p>
      ) : (
        <ul class="plain">
          {missed.map((o) => (
            <li>
              <span class="badge bad">overdue</span> {o.name}, due {o.due_date}:{" "}
              {money(o.expected_minor, o.currency)}
            </li>
          ))}
        </ul>
      )}
      <h3>Due in the next 7 days ({upcoming.length})</h3>
      {upcoming.length === 0 ? (
        <p class="muted">Nothing due this week.</p>
      ) : (
        <ul class="plain">
          {upcoming.map((o) => (
            <li>
              {o.name}, due {o.due_date}: {money(o.expected_minor, o.currency)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/app/bills">All bills and payments</a>
      </p>
    </section>
  );
}

function FollowUps(props: { readonly brief: Brief }) {
  const s = sectionOf(props.brief, "pipeline");
  if (!s) return null;
  const due = (s.data?.due_followups ?? []) as FollowUp[];
  return (
    <section class="card" aria-labelledby="today-followups">
      <h2 id="today-followups">Follow-ups due ({due.length})</h2>
      {due.length === 0 ? (
        <p class="muted">No follow-up is due.</p>
      ) : (
        <ul class="plain">
          {due.map((f) => (
            <li>
              {f.title} <span class="muted">(due {f.due_date})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// Sections of packs with no dedicated panel still show their items, so no brief is hidden.
function OtherSections(props: { readonly brief: Brief; readonly shown: ReadonlySet<string> }) {
  const rest = props.brief.sections.filter((s) => !props.shown.has(s.pack));
  return (
    <>
      {rest.map((s) => (
        <section class="card" aria-label={s.title ?? s.pack}>
          <h2>{s.title ?? s.pack}</h2>
          {s.ok ? (
            <ul class="plain">
              {(s.items ?? []).map((i) => (
                <li>
                  {i.label}:{" "}
                  <strong>
                    {typeof i.value === "object" ? JSON.stringify(i.value) : String(i.value ?? "")}
                  </strong>
                </li>
              ))}
            </ul>
          ) : (
            <p class="error">This section failed: {s.error}</p>
          )}
        </section>
      ))}
    </>
  );
}

async function renderWidget(ctx: PageContext, w: { readonly pack: string; readonly def: WidgetDef }) {
  try {
    return await w.def.render({ ...ctx, pack: w.pack });
  } catch (err) {
    return (
      <p class="error">{`${w.def.title} could not load: ${err instanceof Error ? err.message : String(err)}`}</p>
    );
  }
}

/**
 * Today (`/app`): the host's brief — bills overdue and due, follow-ups due, drafts awaiting
 * approval with Approve/Reject, the packs' widgets (budget per bucket …), and jobs that failed.
 * @internal
 */
export function todayPage(widgets: readonly { readonly pack: string; readonly def: WidgetDef }[]): PageDef {
  return page({
    path: "/",
    title: "Today",
    nav: "Today",
    actions: approvalActions,
    render: async (ctx) => {
      const [brief, approvals, jobs] = await Promise.all([
        ctx.api.get<Brief>("/brief"),
        ctx.api.get<{ items: ApprovalItem[] }>("/approvals", { status: "pending", limit: 50 }),
        ctx.api.get<{ items: JobItem[] }>("/jobs"),
      ]);
      const failed = jobs.items.filter(jobFailed);
      const panels = await Promise.all(widgets.map((w) => renderWidget(ctx, w)));
      const widgetPacks = new Set(widgets.map((w) => w.pack));
      return (
        <>
          {ctx.submission?.error && (
            <ProblemPanel problem={ctx.submission.error} heading="The decision failed" />
          )}
          <p>
            {brief.date} · mode{" "}
            <span class="badge">{brief.mode === "soft_launch" ? "soft launch" : "live"}</span>
          </p>
          <div class="cards">
            <BillsDue brief={brief} />
            <FollowUps brief={brief} />
            {panels.map((content, i) => (
              <section class="card" aria-label={widgets[i]!.def.title}>
                <h2>{widgets[i]!.def.title}</h2>
                {content}
              </section>
            ))}
            <section class="card" aria-labelledby="today-jobs">
              <h2 id="today-jobs">Jobs that failed ({failed.length})</h2>
              {failed.length === 0 ? (
                <p class="muted">Every job's last run succeeded.</p>
              ) : (
                <ul class="plain">
                  {failed.map((j) => (
                    <li>
                      <span class="badge bad">{j.last_run?.outcome}</span> {j.pack}/{j.name}:{" "}
                      {j.last_run?.error ?? ""}
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <a href="/app/jobs">All jobs</a>
              </p>
            </section>
            <OtherSections brief={brief} shown={new Set(["bills", "pipeline", ...widgetPacks])} />
          </div>
          <h2 id="today-approvals">Drafts awaiting approval ({approvals.items.length})</h2>
          <ApprovalTable items={approvals.items} csrf={ctx.csrf} caption="Drafts awaiting approval" />
        </>
      );
    },
  });
}
