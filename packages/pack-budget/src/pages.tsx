import { formatMoney, type PageContext, page, todayIn, type WidgetDef } from "@valhalla/runtime";

/**
 * The budget pack's page (`/app/budget`) and Today widget: buckets with what is available, a bar
 * chart drawn as server-side SVG, and a form that posts income or an expense. A refusal because
 * essentials are unfunded is shown with its reason and a second button that posts with `override`.
 * @module
 */

interface BucketFigures {
  readonly bucket_id: string;
  readonly name: string;
  readonly type: string;
  readonly priority: string;
  readonly allocated_minor: number;
  readonly spent_minor: number;
  readonly available_minor: number;
}
interface Snapshot {
  readonly month: string;
  readonly currency: string;
  readonly status: string;
  readonly buckets: readonly BucketFigures[];
  readonly totals: {
    readonly allocated_minor: number;
    readonly spent_minor: number;
    readonly available_minor: number;
  };
  readonly essentials: { readonly funded: boolean; readonly unfunded_minor?: number };
}

const money = (minor: number, currency: string) =>
  `${formatMoney({ amount_minor: minor, currency })} ${currency}`;

/** Horizontal bars of available per bucket; negative (overspent) bars are drawn in red from zero. */
function AvailableChart(props: { readonly snap: Snapshot; readonly id: string }) {
  const { buckets, currency } = props.snap;
  if (buckets.length === 0) return <p class="muted">No buckets yet.</p>;
  const max = Math.max(1, ...buckets.map((b) => Math.max(Math.abs(b.available_minor), b.allocated_minor)));
  const row = 28;
  const labelW = 120;
  const barW = 200;
  return (
    <svg
      class="chart"
      role="img"
      aria-labelledby={`${props.id}-t`}
      viewBox={`0 0 ${labelW + barW + 130} ${buckets.length * row + 4}`}
      width={labelW + barW + 130}
    >
      <title id={`${props.id}-t`}>
        {`Available per bucket: ${buckets.map((b) => `${b.name} ${money(b.available_minor, currency)}`).join(", ")}`}
      </title>
      {buckets.map((b, i) => {
        const w = Math.round((Math.abs(b.available_minor) / max) * barW);
        const y = i * row + 4;
        return (
          <g>
            <text x={0} y={y + 15}>
              {b.name.length > 16 ? `${b.name.slice(0, 15)}…` : b.name}
            </text>
            <rect x={labelW} y={y} width={barW} height={18} fill="#e3e8ef" />
            <rect
              x={labelW}
              y={y}
              width={w}
              height={18}
              fill={b.available_minor < 0 ? "#a4161a" : "#0f6b3a"}
            />
            <text x={labelW + barW + 6} y={y + 15}>
              {money(b.available_minor, currency)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function PostForm(props: { readonly ctx: PageContext; readonly snap: Snapshot; readonly today: string }) {
  const { ctx, snap } = props;
  const v = ctx.submission?.values ?? {};
  return (
    <form method="post" class="stack card" aria-labelledby="post-h">
      <h2 id="post-h">Post income or an expense</h2>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <input type="hidden" name="_action" value="post" />
      <div>
        <label for="kind">Kind</label>
        <select id="kind" name="kind">
          <option value="expense" selected={v.kind !== "income"}>
            Expense
          </option>
          <option value="income" selected={v.kind === "income"}>
            Income
          </option>
        </select>
      </div>
      <div>
        <label for="bucket_id">Bucket</label>
        <select id="bucket_id" name="bucket_id">
          <option value="">No bucket (income)</option>
          {snap.buckets.map((b) => (
            <option value={b.bucket_id} selected={v.bucket_id === b.bucket_id}>
              {`${b.name} (${b.type}, priority ${b.priority})`}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="amount">Amount ({snap.currency})</label>
        <input
          id="amount"
          name="amount"
          inputmode="decimal"
          required
          placeholder="42.50"
          value={v.amount ?? ""}
        />
      </div>
      <div>
        <label for="date">Date</label>
        <input id="date" name="date" type="date" required value={v.date ?? props.today} />
      </div>
      <div>
        <label for="payee">Payee</label>
        <input id="payee" name="payee" value={v.payee ?? ""} />
      </div>
      <button type="submit">Post</button>
    </form>
  );
}

function Refusal(props: { readonly ctx: PageContext }) {
  const sub = props.ctx.submission;
  if (!sub?.error) return null;
  const e = sub.error;
  if (e.code !== "essentials-unfunded")
    return (
      <div class="error" role="alert">
        <h2>Not posted</h2>
        <p>{e.detail || e.title}</p>
      </div>
    );
  return (
    <div class="error" role="alert" aria-labelledby="refused-h">
      <h2 id="refused-h">Refused: essentials are unfunded</h2>
      <p>{e.detail}</p>
      <p>
        Record income or fund the essentials buckets first. If this spending cannot wait, post it anyway: the
        override and your name are recorded on the entry.
      </p>
      <form method="post" class="inline">
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <input type="hidden" name="_action" value="post" />
        <input type="hidden" name="override" value="true" />
        {Object.entries(sub.values)
          .filter(([k]) => k !== "override")
          .map(([k, val]) => (
            <input type="hidden" name={k} value={val} />
          ))}
        <button type="submit" class="danger">
          Post anyway (override)
        </button>
      </form>
    </div>
  );
}

async function snapshot(ctx: PageContext): Promise<Snapshot> {
  return ctx.api.get<Snapshot>("/budget/snapshot");
}

/** `/app/budget`: buckets with allocated, spent and available; post income or an expense. */
export const budgetPage = page({
  path: "/",
  title: "Budget",
  nav: "Budget",
  actions: {
    post: async (ctx, form) => {
      const res = await ctx.api.send("POST", "/budget/transactions", {
        kind: form.kind === "income" ? "income" : "expense",
        amount: (form.amount ?? "").trim(),
        date: form.date,
        bucket_id: form.bucket_id ? form.bucket_id : null,
        ...(form.payee?.trim() ? { payee: form.payee.trim() } : {}),
        override: form.override === "true",
      });
      if (!res.ok) return { error: res.problem };
      return {
        redirect: ctx.path,
        notice: form.override === "true" ? "Posted with an override of the essentials rule." : "Posted.",
      };
    },
  },
  render: async (ctx) => {
    const snap = await snapshot(ctx);
    const today = todayIn(ctx.timezone, ctx.now());
    return (
      <>
        <Refusal ctx={ctx} />
        <p>
          {snap.month} ({snap.status}) · essentials{" "}
          {snap.essentials.funded ? (
            <span class="badge ok">funded</span>
          ) : (
            <span class="badge bad">unfunded</span>
          )}
        </p>
        <div class="cards">
          <section class="card" aria-labelledby="avail-h">
            <h2 id="avail-h">Available per bucket</h2>
            <AvailableChart snap={snap} id="budget-chart" />
          </section>
          <PostForm ctx={ctx} snap={snap} today={today} />
        </div>
        <h2>Buckets</h2>
        <section class="table-wrap" aria-label="Buckets" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Bucket</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Allocated
                </th>
                <th scope="col" class="num">
                  Spent
                </th>
                <th scope="col" class="num">
                  Available
                </th>
              </tr>
            </thead>
            <tbody>
              {snap.buckets.map((b) => (
                <tr>
                  <td>{b.name}</td>
                  <td>
                    {b.type} · {b.priority}
                  </td>
                  <td class="num">{money(b.allocated_minor, snap.currency)}</td>
                  <td class="num">{money(b.spent_minor, snap.currency)}</td>
                  <td class="num">{money(b.available_minor, snap.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td class="num">{money(snap.totals.allocated_minor, snap.currency)}</td>
                <td class="num">{money(snap.totals.spent_minor, snap.currency)}</td>
                <td class="num">{money(snap.totals.available_minor, snap.currency)}</td>
              </tr>
            </tfoot>
          </table>
        </section>
      </>
    );
  },
});

/** Today widget: available per bucket this month. */
export const bucketsWidget: WidgetDef = {
  id: "buckets",
  title: "Budget per bucket",
  render: async (ctx) => {
    const snap = await snapshot(ctx);
    return (
      <>
        <AvailableChart snap={snap} id="today-budget-chart" />
        <p>
          Available in {snap.month}: <strong>{money(snap.totals.available_minor, snap.currency)}</strong>{" "}
          <a href="/app/budget">Budget</a>
        </p>
      </>
    );
  },
};
