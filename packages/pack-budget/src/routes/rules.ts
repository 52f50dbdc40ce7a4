import { idParam, reply, replyRecord, routeFor } from "@valhalla/runtime";
import * as v from "valibot";
import { rerunRules } from "../rerun-rules.js";
import { RuleResponse, RulesApplyResponse, RulesResponse } from "../response-schemas.js";
import { compileRuleRegex } from "../rules.js";
import { CreateRuleBody, monthString, PatchRuleBody, type Rule } from "../schemas.js";
import { configOf, fieldProblem, moneyField, requireBucket, requireCategory, thisMonth } from "../service.js";
import type { BudgetContext } from "../storage.js";
import { afterWrite } from "../summary-cache.js";

const route = routeFor<BudgetContext>();
const IdParams = v.object({ id: idParam });
type RuleInput = v.InferOutput<typeof PatchRuleBody>;

/** Turn rule input into stored fields, checking regex, amounts, bucket and category. */
async function ruleFields(ctx: BudgetContext, body: RuleInput, base: Rule): Promise<Rule> {
  const cur = configOf(ctx).currency;
  const out: Rule = { ...base };
  for (const k of [
    "name",
    "position",
    "kind",
    "payee_contains",
    "memo_contains",
    "regex",
    "regex_field",
    "set_bucket_id",
    "set_category",
    "stop_processing",
    "active",
  ] as const) {
    if (body[k] !== undefined) (out as Record<string, unknown>)[k] = body[k];
  }
  if (body.min_amount !== undefined)
    out.min_amount_minor =
      body.min_amount === null ? null : moneyField("min_amount", body.min_amount, cur, "non-negative");
  if (body.max_amount !== undefined)
    out.max_amount_minor =
      body.max_amount === null ? null : moneyField("max_amount", body.max_amount, cur, "non-negative");
  if (
    out.min_amount_minor !== null &&
    out.max_amount_minor !== null &&
    out.min_amount_minor > out.max_amount_minor
  )
    throw fieldProblem(400, "validation-failed", "max_amount", "must be at least min_amount");
  if (out.regex !== null) {
    const re = compileRuleRegex(out.regex);
    if (typeof re === "string") throw fieldProblem(400, "validation-failed", "regex", re);
  }
  if (out.set_bucket_id !== null) await requireBucket(ctx, "set_bucket_id", out.set_bucket_id);
  await requireCategory(ctx, "set_category", out.set_category);
  if (out.set_bucket_id === null && out.set_category === null)
    throw fieldProblem(400, "validation-failed", "set_bucket_id", "or set_category is required");
  if (
    [
      out.payee_contains,
      out.memo_contains,
      out.regex,
      out.min_amount_minor,
      out.max_amount_minor,
      out.kind,
    ].every((x) => x === null)
  )
    throw fieldProblem(400, "validation-failed", "payee_contains", "or another match condition is required");
  return out;
}

const BLANK: Rule = {
  name: "",
  position: 0,
  kind: null,
  payee_contains: null,
  memo_contains: null,
  regex: null,
  regex_field: "any",
  min_amount_minor: null,
  max_amount_minor: null,
  set_bucket_id: null,
  set_category: null,
  stop_processing: false,
  active: true,
};

export const createRule = route({
  method: "POST",
  path: "/rules",
  summary: "Add a ledger rule (payee/memo contains, regex, amount range → bucket/category)",
  scope: "write",
  body: CreateRuleBody,
  response: { status: 201, schema: RuleResponse },
  errors: [400, 422],
  handler: async ({ body, ctx }) => {
    const position = body.position ?? (await ctx.storage.rules.count()) * 10 + 10;
    const fields = await ruleFields(ctx, { ...body, position }, BLANK);
    const rule = await afterWrite(ctx, () => ctx.storage.rules.create(fields));
    return replyRecord(201, rule, { location: `/budget/rules/${rule.id}` });
  },
});

export const listRules = route({
  method: "GET",
  path: "/rules",
  summary: "Ledger rules in the order they run",
  scope: "read",
  response: { status: 200, schema: RulesResponse },
  errors: [],
  handler: async ({ ctx }) => {
    const items = [];
    for await (const r of ctx.storage.rules.iterate({ order: "asc" })) items.push(r);
    items.sort((p, q) => p.position - q.position || (p.id < q.id ? -1 : 1));
    return { items };
  },
});

export const patchRule = route({
  method: "PATCH",
  path: "/rules/:id",
  summary: "Change a ledger rule",
  scope: "write",
  params: IdParams,
  body: PatchRuleBody,
  errors: [400, 404, 412, 422],
  response: { status: 200, schema: RuleResponse },
  handler: async ({ params, body, ctx, ifRev }) => {
    const cur = await ctx.storage.rules.require(params.id);
    const next = await ruleFields(ctx, body, cur);
    const rule = await afterWrite(ctx, () =>
      ctx.storage.rules.update(params.id, next, { ifRev: ifRev ?? cur.rev }),
    );
    return replyRecord(200, rule);
  },
});

export const deleteRule = route({
  method: "DELETE",
  path: "/rules/:id",
  summary: "Delete a ledger rule",
  scope: "write",
  params: IdParams,
  response: { status: 204 },
  errors: [404],
  handler: async ({ params, ctx }) => {
    await ctx.storage.rules.require(params.id);
    await afterWrite(ctx, () => ctx.storage.rules.delete(params.id));
    return reply(204);
  },
});

export const applyRulesRoute = route({
  method: "POST",
  path: "/rules/apply",
  summary: "Re-run the rules over an open month (default: this month); only rule-set or empty fields change",
  scope: "write",
  query: v.strictObject({ month: v.optional(monthString) }),
  errors: [400, 409],
  response: { status: 200, schema: RulesApplyResponse },
  handler: async ({ query, ctx }) => rerunRules(ctx, query.month ?? thisMonth(ctx)),
});
