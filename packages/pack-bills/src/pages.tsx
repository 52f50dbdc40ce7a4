import { addDays, formatMoney, type PageContext, page, todayIn } from "@valhalla/runtime";
import type { BillObligation } from "./refs.js";

/**
 * The bills pack's page of the host's web app (`/app/bills`): a calendar of open occurrences for
 * the coming weeks, the overdue ones, each with a Mark paid form, and every registered bill. All
 * data comes from the pack's own HTTP routes, called in-process as the signed-in user.
 * @module
 */

interface Missed extends BillObligation {
  readonly days_overdue: number;
}
interface BillRow {
  readonly id: string;
  readonly name: string;
  readonly payee: string;
  readonly cadence: string;
  readonly currency: string;
  readonly amount_minor: number | null;
  readonly autopay: boolean;
  readonly status: string;
  readonly next_open_due: string | null;
}

const DAYS = 42;
const money = (minor: number, currency: string) =>
  `${formatMoney({ amount_minor: minor, currency })} ${currency}`;
// Occurrence ids for retries: the same occurrence paid twice from two tabs is recorded once.
const clientKey = (o: BillObligation) => `board:${o.bill_id}:${o.nominal_date}`;

function PaidForm(props: { readonly o: BillObligation; readonly ctx: PageContext; readonly today: string }) {
  const { o, ctx } = props;
  const id = `${o.bill_id}-${o.nominal_date}`;
  return (
    <form method="post" class="inline" aria-label={`Mark ${o.name} due ${o.due_date} paid`}>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <input type="hidden" name="_action" value="paid" />
      <input type="hidden" name="bill_id" value={o.bill_id} />
      <input type="hidden" name="client_key" value={clientKey(o)} />
      <input type="hidden" name="currency" value={o.currency} />
      <label for={`amt-${id}`}>Amount</label>
      <input
        id={`amt-${id}`}
        name="amount"
        inputmode="decimal"
        size={9}
        required
        value={formatMoney({ amount_minor: o.expected_minor, currency: o.currency })}
      />
      <label for={`date-${id}`}>Paid on</label>
      <input id={`date-${id}`} name="date" type="date" required value={props.today} />
      <button type="submit">Mark paid</button>
    </form>
  );
}

function OccurrenceTable(props: {
  readonly caption: string;
  readonly items: readonly (BillObligation & { days_overdue?: number })[];
  readonly ctx: PageContext;
  readonly today: string;
}) {
  return (
    <section class="table-wrap" aria-label={props.caption} tabindex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">Due</th>
            <th scope="col">Bill</th>
            <th scope="col" class="num">
              Amount
            </th>
            <th scope="col">Pay</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((o) => (
            <tr>
              <td>
                {o.due_date}{" "}
                {o.days_overdue !== undefined ? (
                  <span class="badge bad">{o.days_overdue} days overdue</span>
                ) : (
                  <span class="muted">in {o.days_until} days</span>
                )}
              </td>
              <td>
                {o.name} <span class="muted">to {o.payee}</span>
                {o.autopay && <span class="badge ok">autopay</span>}
              </td>
              <td class="num">{money(o.expected_minor, o.currency)}</td>
              <td>
                <PaidForm o={o} ctx={props.ctx} today={props.today} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `/app/bills`: overdue and upcoming occurrences with Mark paid, and the list of bills. */
export const billsPage = page({
  path: "/",
  title: "Bills",
  nav: "Bills",
  actions: {
    paid: async (ctx, form) => {
      const res = await ctx.api.send<{ replayed?: boolean }>(
        "POST",
        `/bills/${encodeURIComponent(form.bill_id ?? "")}/paid`,
        {
          amount: (form.amount ?? "").trim(),
          date: form.date,
          client_key: form.client_key,
          ...(form.currency ? { currency: form.currency } : {}),
        },
      );
      if (!res.ok) return { error: res.problem };
      return {
        redirect: ctx.path,
        notice: res.data.replayed ? "That payment was already recorded." : "Payment recorded.",
      };
    },
  },
  render: async (ctx) => {
    const today = todayIn(ctx.timezone, ctx.now());
    const [upcoming, missed, list] = await Promise.all([
      ctx.api.get<{ items: BillObligation[]; has_more: boolean }>("/bills/upcoming", {
        days: DAYS,
        limit: 200,
      }),
      ctx.api.get<{ items: Missed[] }>("/bills/missed"),
      ctx.api.get<{ items: BillRow[] }>("/bills", { limit: 200 }),
    ]);
    const weeks = new Map<string, BillObligation[]>();
    for (const o of upcoming.items) {
      const week = Math.floor(o.days_until / 7);
      const label = `${addDays(today, week * 7)} to ${addDays(today, week * 7 + 6)}`;
      weeks.set(label, [...(weeks.get(label) ?? []), o]);
    }
    const error = ctx.submission?.error;
    return (
      <>
        {error && (
          <div class="error" role="alert">
            <h2>The payment was not recorded</h2>
            <p>{error.detail || error.title}</p>
          </div>
        )}
        <h2 id="overdue">Overdue ({missed.items.length})</h2>
        {missed.items.length === 0 ? (
          <p class="muted">Nothing is overdue.</p>
        ) : (
          <OccurrenceTable caption="Overdue occurrences" items={missed.items} ctx={ctx} today={today} />
        )}
        <h2 id="calendar">Calendar: the next {DAYS} days</h2>
        {upcoming.items.length === 0 && <p class="muted">Nothing falls due in the next {DAYS} days.</p>}
        {[...weeks].map(([label, items]) => (
          <>
            <h3>{label}</h3>
            <OccurrenceTable caption={`Due ${label}`} items={items} ctx={ctx} today={today} />
          </>
        ))}
        <h2 id="all-bills">All bills ({list.items.length})</h2>
        <section class="table-wrap" aria-label="All bills" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Bill</th>
                <th scope="col">Cadence</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col">Next due</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((b) => (
                <tr>
                  <td>
                    {b.name} <span class="muted">to {b.payee}</span>
                  </td>
                  <td>{b.cadence}</td>
                  <td class="num">
                    {b.amount_minor === null ? "varies" : money(b.amount_minor, b.currency)}
                  </td>
                  <td>{b.next_open_due ?? "—"}</td>
                  <td>{b.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </>
    );
  },
});
