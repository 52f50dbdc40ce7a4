import type { Rule } from "./schemas.js";

/** What a rule looks at. */
export interface RuleSubject {
  readonly kind: "income" | "expense";
  readonly payee: string | null;
  readonly memo: string | null;
  readonly amount_minor: number;
}

/** Longest text a rule regex is run against, so matching time stays bounded. */
export const MAX_MATCH_INPUT = 500;

// A quantified group that itself contains a quantifier — `(a+)+`, `(x*)*`, `(a|aa)+` — can
// backtrack exponentially; refuse those shapes outright.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*}]|\|)(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/;

/**
 * Compile a rule pattern (case-insensitive), or return why it is refused.
 * @example compileRuleRegex("^walmart") // RegExp
 */
export function compileRuleRegex(pattern: string): RegExp | string {
  if (pattern.length > 100) return "must be at most 100 characters";
  if (NESTED_QUANTIFIER.test(pattern))
    return "must not repeat a group that contains a repetition or alternation";
  if (/\\\d/.test(pattern)) return "must not use back-references";
  try {
    return new RegExp(pattern, "i");
  } catch (err) {
    return `is not a valid regular expression (${err instanceof Error ? err.message : err})`;
  }
}

const contains = (hay: string | null, needle: string) =>
  (hay ?? "").toLowerCase().includes(needle.toLowerCase());

/** Whether one rule matches. Every condition a rule sets must hold. */
export function ruleMatches(rule: Rule, s: RuleSubject): boolean {
  if (!rule.active) return false;
  if (rule.kind !== null && rule.kind !== s.kind) return false;
  if (rule.payee_contains !== null && !contains(s.payee, rule.payee_contains)) return false;
  if (rule.memo_contains !== null && !contains(s.memo, rule.memo_contains)) return false;
  if (rule.min_amount_minor !== null && s.amount_minor < rule.min_amount_minor) return false;
  if (rule.max_amount_minor !== null && s.amount_minor > rule.max_amount_minor) return false;
  if (rule.regex !== null) {
    const re = compileRuleRegex(rule.regex);
    if (typeof re === "string") return false;
    const fields =
      rule.regex_field === "any" ? [s.payee, s.memo] : [rule.regex_field === "payee" ? s.payee : s.memo];
    if (!fields.some((f) => re.test((f ?? "").slice(0, MAX_MATCH_INPUT)))) return false;
  }
  return true;
}

/**
 * Run rules in order (by position, then id). Each match sets its fields (a later match overrides an
 * earlier one) and `stop_processing` ends the run.
 */
export function applyRules(
  rules: readonly (Rule & { id: string })[],
  s: RuleSubject,
): { bucket_id?: string; category?: string; rule_ids: string[] } {
  const out: { bucket_id?: string; category?: string; rule_ids: string[] } = { rule_ids: [] };
  const ordered = [...rules].sort((p, q) => p.position - q.position || (p.id < q.id ? -1 : 1));
  for (const r of ordered) {
    if (!ruleMatches(r, s)) continue;
    if (r.set_bucket_id !== null) out.bucket_id = r.set_bucket_id;
    if (r.set_category !== null) out.category = r.set_category;
    out.rule_ids.push(r.id);
    if (r.stop_processing) break;
  }
  return out;
}
