import { formatMoney, type PageContext, page } from "@valhalla/runtime";
import { type OPEN_STAGES, STAGES, type Stage } from "./schemas.js";
import { allowedNext } from "./service.js";

/**
 * The wholesale pack's pages: the deal board by stage (`/app/wholesale`), a deal with its activity
 * and a stage move (`/app/wholesale/:id`), and the JV partner board (`/app/wholesale/partner`),
 * the only page a partner link opens. Data comes from the pack's routes, in-process.
 * @module
 */

interface DealRow {
  readonly id: string;
  readonly stage: Stage;
  readonly held_from: (typeof OPEN_STAGES)[number] | null;
  readonly property_address: string | null;
  readonly market: string | null;
  readonly currency: string;
  readonly arv_minor: number | null;
  readonly mao_minor: number | null;
  readonly expected_spread_minor: number | null;
  readonly partner_id: string | null;
  readonly seller_name: string | null;
  readonly next_action: string | null;
  readonly dead_reason: string | null;
  readonly stage_changed_at: string;
  readonly rev: number;
}
interface Activity {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  readonly actor: string;
  readonly at: string;
}
interface BoardItem {
  readonly id: string;
  readonly stage: Stage;
  readonly property_address: string | null;
  readonly property_zip: string | null;
  readonly market: string | null;
  readonly property_type: string | null;
  readonly condition: string | null;
  readonly currency: string;
  readonly arv_minor: number | null;
  readonly repair_estimate_minor: number | null;
  readonly exit_strategy: string | null;
  readonly closing_date: string | null;
}

const money = (minor: number | null, currency: string) =>
  minor === null ? "—" : `${formatMoney({ amount_minor: minor, currency })} ${currency}`;
const label = (s: string) => s.replace("_", " ");
const title = (d: { property_address: string | null; id: string }) => d.property_address ?? d.id;

function StageColumns<T extends { readonly id: string; readonly stage: Stage }>(props: {
  readonly items: readonly T[];
  readonly card: (d: T) => unknown;
}) {
  return (
    <div class="board">
      {STAGES.map((stage) => {
        const items = props.items.filter((d) => d.stage === stage);
        return (
          <section aria-labelledby={`stage-${stage}`}>
            <h2 id={`stage-${stage}`}>
              {label(stage)} ({items.length})
            </h2>
            <ul>
              {items.map((d) => (
                <li>{props.card(d) as string}</li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

/** `/app/wholesale`: every deal as a card in its stage's column. */
export const dealsPage = page({
  path: "/",
  title: "Deals",
  nav: "Deals",
  render: async (ctx) => {
    const { items } = await ctx.api.get<{ items: DealRow[] }>("/wholesale", { limit: 200 });
    return (
      <>
        <p class="muted">{items.length} deals. Open a deal to move its stage.</p>
        <StageColumns
          items={items}
          card={(d) => (
            <>
              <a href={`/app/wholesale/${d.id}`}>{title(d)}</a>
              <div class="muted">
                ARV {money(d.arv_minor, d.currency)}
                {d.partner_id ? ` · partner ${d.partner_id}` : ""}
              </div>
            </>
          )}
        />
      </>
    );
  },
});

function StageForm(props: { readonly ctx: PageContext; readonly deal: DealRow }) {
  const next = allowedNext(props.deal);
  if (next.length === 0) return <p class="muted">This deal is {props.deal.stage}; it cannot move.</p>;
  return (
    <form method="post" class="inline" aria-labelledby="move-h">
      <input type="hidden" name="_csrf" value={props.ctx.csrf} />
      <input type="hidden" name="_action" value="stage" />
      <label for="to">Move to</label>
      <select id="to" name="to">
        {next.map((s) => (
          <option value={s}>{label(s)}</option>
        ))}
      </select>
      <label for="reason">Reason (needed for dead)</label>
      <input id="reason" name="reason" size={24} />
      <button type="submit">Move stage</button>
    </form>
  );
}

/** `/app/wholesale/:id`: one deal's facts, its activity, and a stage move. */
export const dealPage = page({
  path: "/:id",
  title: "Deal",
  actions: {
    stage: async (ctx, form) => {
      const reason = form.reason?.trim();
      const res = await ctx.api.send<DealRow>(
        "POST",
        `/wholesale/${encodeURIComponent(ctx.params.id ?? "")}/stage`,
        {
          to: form.to,
          ...(reason ? { reason } : {}),
        },
      );
      if (!res.ok) return { error: res.problem };
      return { redirect: ctx.path, notice: `Moved to ${label(res.data.stage)}.` };
    },
  },
  render: async (ctx) => {
    const id = encodeURIComponent(ctx.params.id ?? "");
    const [deal, acts] = await Promise.all([
      ctx.api.get<DealRow>(`/wholesale/${id}`),
      ctx.api.get<{ items: Activity[] }>(`/wholesale/${id}/activities`),
    ]);
    const error = ctx.submission?.error;
    return (
      <>
        <p>
          <a href="/app/wholesale">All deals</a>
        </p>
        <h2>{title(deal)}</h2>
        {error && (
          <div class="error" role="alert">
            <h2>The stage did not change</h2>
            <p>{error.detail || error.title}</p>
          </div>
        )}
        <dl class="facts">
          <dt>Stage</dt>
          <dd>
            <span class="badge" id="deal-stage">
              {label(deal.stage)}
            </span>
          </dd>
          <dt>Market</dt>
          <dd>{deal.market ?? "—"}</dd>
          <dt>ARV</dt>
          <dd>{money(deal.arv_minor, deal.currency)}</dd>
          <dt>MAO</dt>
          <dd>{money(deal.mao_minor, deal.currency)}</dd>
          <dt>Expected spread</dt>
          <dd>{money(deal.expected_spread_minor, deal.currency)}</dd>
          <dt>Partner</dt>
          <dd>{deal.partner_id ?? "—"}</dd>
          <dt>Seller</dt>
          <dd>{deal.seller_name ?? "—"}</dd>
          <dt>Next action</dt>
          <dd>{deal.next_action ?? "—"}</dd>
        </dl>
        <h2 id="move-h">Stage</h2>
        <StageForm ctx={ctx} deal={deal} />
        <h2>Activity</h2>
        <ul class="plain">
          {[...acts.items].reverse().map((a) => (
            <li>
              <span class="muted">{`${a.at.slice(0, 16).replace("T", " ")} · ${a.actor}`}</span>{" "}
              {a.description}
            </li>
          ))}
        </ul>
      </>
    );
  },
});

/** `/app/wholesale/partner`: a JV partner's deals, partner-visible fields only (share scope `jv_board`). */
export const partnerPage = page({
  path: "/partner",
  title: "Partner deal board",
  nav: "Deal board",
  shareScope: "jv_board",
  render: async (ctx) => {
    const board = await ctx.api.get<{ partner_id: string; items: BoardItem[] }>("/wholesale/board");
    return (
      <>
        <p>
          Deals shared with <strong>{board.partner_id}</strong>: {board.items.length}.
        </p>
        <StageColumns
          items={board.items}
          card={(d) => (
            <>
              <strong>{title(d)}</strong>
              <div class="muted">
                {[d.market, d.property_type, d.condition].filter(Boolean).join(" · ")}
                <br />
                ARV {money(d.arv_minor, d.currency)}
                {d.repair_estimate_minor !== null
                  ? ` · repairs ${money(d.repair_estimate_minor, d.currency)}`
                  : ""}
                {d.closing_date ? ` · closing ${d.closing_date}` : ""}
              </div>
            </>
          )}
        />
      </>
    );
  },
});
