import {
  idParam,
  isoDate,
  NotFoundError,
  ProblemError,
  pageQuery,
  replyRecord,
  routeFor,
  text,
  todayIn,
} from "@valhalla/runtime";
import * as v from "valibot";
import { historyCsv, INTERVALS, netWorthHistory } from "../history.js";
import { recordBalance } from "../liability-balances.js";
import {
  FxRateBody,
  FxRatePage,
  FxRateRecord,
  LiabilityBalanceBody,
  LiabilityBalancePage,
  LiabilityBalanceRecord,
  NetWorthHistory,
} from "../schemas.js";
import { configOf, parseFxParam } from "../service.js";
import type { HoldingsContext } from "../storage.js";

const route = routeFor<HoldingsContext>();
const currencyCode = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "must be a currency code"));

/** `GET /holdings/history` (see its summary). */
export const historyRoute = route({
  method: "GET",
  path: "/history",
  summary:
    "Net worth over time: value, liabilities and net worth of the holdings at each month, quarter or year end, in a base currency with dated FX rates (`format=csv` downloads text/csv)",
  description:
    "Each point counts every holding not archived by that day with its latest valuation and each liability's latest balance on or before it. Amounts in other currencies use the latest rate recorded with `PUT /holdings/fx_rates/:currency/:as_of` on or before the day, else `fx=` or the configured `fx_rates`; a missing rate is 422 `fx-rate-missing` naming the pair and the day. `from` defaults to a year before `to`, `to` to today; at most 600 points.",
  scope: "read",
  query: v.strictObject({
    from: v.optional(isoDate),
    to: v.optional(isoDate),
    interval: v.optional(v.picklist(INTERVALS, `must be one of ${INTERVALS.join(", ")}`), "month"),
    base: v.optional(currencyCode),
    fx: v.optional(text(2000)),
    format: v.optional(v.picklist(["json", "csv"], "must be json or csv"), "json"),
  }),
  response: { status: 200, schema: NetWorthHistory },
  errors: [400, 422],
  handler: async ({ query, ctx }) => {
    const cfg = configOf(ctx);
    const to = query.to ?? todayIn(ctx.timezone, ctx.now());
    const from = query.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
    if (from > to)
      throw new ProblemError(400, "validation-failed", "Invalid query: 'from' must not be after 'to'", {
        errors: [{ pointer: "/query/from", field: "from", message: "must not be after to" }],
      });
    const base = query.base ?? cfg.base_currency;
    // Undated rates are relative to the configured base; they stand in only for that base.
    const fallback = { ...(base === cfg.base_currency ? cfg.fx_rates : {}), ...parseFxParam(query.fx) };
    const history = await netWorthHistory(ctx, { from, to, interval: query.interval, base, fallback });
    if (query.format === "json") return history;
    return new Response(historyCsv(history), {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="net-worth-${from}-${to}.csv"`,
      },
    });
  },
});

/** `PUT /holdings/fx_rates/:currency/:as_of` (see its summary). */
export const putFxRate = route({
  method: "PUT",
  path: "/fx_rates/:currency/:as_of",
  summary:
    "Record the FX rate of a currency on a day (units of the base per unit), for the net worth history",
  scope: "write",
  params: v.object({ currency: currencyCode, as_of: isoDate }),
  body: FxRateBody,
  response: { status: 200, schema: FxRateRecord },
  errors: [400],
  handler: async ({ params, body, ctx }) => {
    const base = body.base ?? configOf(ctx).base_currency;
    const id = `fx_${params.currency}_${base}_${params.as_of}`;
    const data = { currency: params.currency, base, rate: body.rate, as_of: params.as_of };
    const cur = await ctx.storage.fx_rates.get(id);
    const saved = cur
      ? await ctx.storage.fx_rates.update(id, data, { ifRev: cur.rev })
      : await ctx.storage.fx_rates.create(data, { id });
    return replyRecord(cur ? 200 : 201, saved);
  },
});

/** `GET /holdings/fx_rates` (see its summary). */
export const listFxRates = route({
  method: "GET",
  path: "/fx_rates",
  summary: "Recorded FX rates (filter: currency, base)",
  scope: "read",
  query: v.strictObject({ currency: v.optional(currencyCode), base: v.optional(currencyCode), ...pageQuery }),
  response: { status: 200, schema: FxRatePage },
  errors: [400],
  handler: ({ query, ctx }) =>
    ctx.storage.fx_rates.list({
      where: { currency: query.currency, base: query.base },
      cursor: query.cursor,
      limit: query.limit,
    }),
});

const BalanceParams = v.object({ id: idParam, liability_id: idParam });

/** `POST /holdings/:id/liabilities/:liability_id/balances` (see its summary). */
export const addLiabilityBalance = route({
  method: "POST",
  path: "/:id/liabilities/:liability_id/balances",
  summary:
    "Record a liability's balance on a day (paid down, or a statement); the latest day becomes the liability's balance",
  scope: "write",
  params: BalanceParams,
  body: LiabilityBalanceBody,
  response: { status: 201, schema: LiabilityBalanceRecord },
  errors: [400, 404, 422],
  handler: async ({ params, body, ctx }) =>
    replyRecord(201, await recordBalance(ctx, params.id, params.liability_id, body)),
});

/** `GET /holdings/:id/liabilities/:liability_id/balances` (see its summary). */
export const listLiabilityBalances = route({
  method: "GET",
  path: "/:id/liabilities/:liability_id/balances",
  summary: "A liability's balance history",
  scope: "read",
  params: BalanceParams,
  query: v.strictObject(pageQuery),
  response: { status: 200, schema: LiabilityBalancePage },
  errors: [400, 404],
  handler: async ({ params, query, ctx }) => {
    const l = await ctx.storage.liabilities.require(params.liability_id);
    if (l.asset_id !== params.id) throw new NotFoundError("liabilities", params.liability_id);
    return ctx.storage.liability_balances.list({
      where: { liability_id: l.id },
      cursor: query.cursor,
      limit: query.limit,
    });
  },
});
