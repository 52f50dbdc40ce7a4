import { formatMoney, page } from "@valhalla/runtime";

/**
 * The holdings pack's page (`/app/holdings`): net equity, allocation by type as a server-side SVG
 * chart, and every active holding with its current valuation. Read through the pack's routes.
 * @module
 */

interface Group {
  readonly count: number;
  readonly value_minor: number;
  readonly liabilities_minor: number;
  readonly equity_minor: number;
}
interface Summary {
  readonly base_currency: string;
  readonly as_of: string;
  readonly totals: Group;
  readonly by_type: Readonly<Record<string, Group>>;
  readonly stale: readonly { id: string; label: string; as_of: string | null; age_days: number | null }[];
  readonly stale_total: number;
}
interface Holding {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly currency: string;
  readonly jurisdiction: string | null;
  readonly valuation: {
    readonly amount_minor: number;
    readonly currency: string;
    readonly as_of: string;
  } | null;
}

const money = (minor: number, currency: string) =>
  `${formatMoney({ amount_minor: minor, currency })} ${currency}`;

function AllocationChart(props: { readonly summary: Summary }) {
  const rows = Object.entries(props.summary.by_type).sort((a, b) => b[1].value_minor - a[1].value_minor);
  const total = rows.reduce((n, [, g]) => n + Math.max(0, g.value_minor), 0);
  if (rows.length === 0 || total === 0) return <p class="muted">No valued holdings yet.</p>;
  const cur = props.summary.base_currency;
  const row = 28;
  const barW = 220;
  return (
    <svg
      class="chart"
      role="img"
      aria-labelledby="alloc-t"
      viewBox={`0 0 470 ${rows.length * row + 4}`}
      width={470}
    >
      <title id="alloc-t">
        {`Allocation by type: ${rows
          .map(([t, g]) => `${t} ${Math.round((Math.max(0, g.value_minor) / total) * 100)}%`)
          .join(", ")}`}
      </title>
      {rows.map(([type, g], i) => {
        const share = Math.max(0, g.value_minor) / total;
        const y = i * row + 4;
        return (
          <g>
            <text x={0} y={y + 15}>
              {type}
            </text>
            <rect x={100} y={y} width={barW} height={18} fill="#e3e8ef" />
            <rect x={100} y={y} width={Math.round(share * barW)} height={18} fill="#0b5cad" />
            <text x={100 + barW + 6} y={y + 15}>
              {`${Math.round(share * 100)}% · ${money(g.value_minor, cur)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** `/app/holdings`: net equity, allocation by type, and the holdings with their valuations. */
export const holdingsPage = page({
  path: "/",
  title: "Holdings",
  nav: "Holdings",
  render: async (ctx) => {
    const [summary, list] = await Promise.all([
      ctx.api.get<Summary>("/holdings/summary"),
      ctx.api.get<{ items: Holding[] }>("/holdings", { active: "true", limit: 200 }),
    ]);
    const cur = summary.base_currency;
    const t = summary.totals;
    return (
      <>
        <div class="cards">
          <section class="card" aria-labelledby="equity-h">
            <h2 id="equity-h">Net equity</h2>
            <p>
              <strong id="net-equity">{money(t.equity_minor, cur)}</strong>
            </p>
            <dl class="facts">
              <dt>Value</dt>
              <dd>{money(t.value_minor, cur)}</dd>
              <dt>Liabilities</dt>
              <dd>{money(t.liabilities_minor, cur)}</dd>
              <dt>Holdings</dt>
              <dd>{t.count}</dd>
              <dt>As of</dt>
              <dd>{summary.as_of}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="alloc-h">
            <h2 id="alloc-h">Allocation by type</h2>
            <AllocationChart summary={summary} />
          </section>
        </div>
        {summary.stale.length > 0 && (
          <p class="error">
            Stale valuations:{" "}
            {summary.stale.map((s) => `${s.label} (${s.as_of ?? "never valued"})`).join(", ")}
            {summary.stale_total > summary.stale.length &&
              ` and ${summary.stale_total - summary.stale.length} more`}
          </p>
        )}
        <h2>Holdings ({list.items.length})</h2>
        <section class="table-wrap" aria-label="Holdings" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Holding</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Current valuation
                </th>
                <th scope="col">As of</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((h) => (
                <tr>
                  <td>{h.label}</td>
                  <td>{h.type}</td>
                  <td class="num">
                    {h.valuation ? money(h.valuation.amount_minor, h.valuation.currency) : "—"}
                  </td>
                  <td>{h.valuation?.as_of ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </>
    );
  },
});
