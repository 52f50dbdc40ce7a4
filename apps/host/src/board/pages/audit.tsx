import { addDays, page, todayIn } from "@valhalla/runtime";
import { when } from "../format.js";

interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly kind: string;
  readonly action: string;
  readonly pack: string;
  readonly record_id: string | null;
  readonly outcome: string;
  readonly status: number | null;
}

/** Audit: the append-only log of writes, runs and decisions, newest first, by pack and day range. @internal */
export const auditPage = page({
  path: "/audit",
  title: "Audit log",
  nav: "Audit",
  render: async (ctx) => {
    const days = Math.min(Math.max(Number(ctx.query.days) || 7, 1), 90);
    const pack = /^[a-z][a-z0-9-]{0,63}$/.test(ctx.query.pack ?? "") ? ctx.query.pack : undefined;
    const since = addDays(todayIn(ctx.timezone, ctx.now()), -days);
    const log = await ctx.api.get<{ items: AuditEntry[] }>("/audit", { since, pack, limit: 500 });
    const items = [...log.items].reverse();
    return (
      <>
        <form method="get" class="inline" aria-label="Filter the audit log">
          <label for="pack">Pack</label>
          <input id="pack" name="pack" value={pack ?? ""} size={12} />
          <label for="days">Days back</label>
          <input id="days" name="days" type="number" min={1} max={90} value={String(days)} />
          <button type="submit" class="secondary">
            Filter
          </button>
        </form>
        <p class="muted">
          {items.length} entries since {since}
          {pack ? ` for ${pack}` : ""}, newest first.
        </p>
        <section class="table-wrap" aria-label="Audit entries" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Pack</th>
                <th scope="col">Record</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr>
                  <td>{when(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.pack}</td>
                  <td>{e.record_id ?? "—"}</td>
                  <td>
                    <span class={`badge ${e.outcome === "success" ? "ok" : "bad"}`}>{e.outcome}</span>
                    {e.status !== null && <span class="muted"> {e.status}</span>}
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
