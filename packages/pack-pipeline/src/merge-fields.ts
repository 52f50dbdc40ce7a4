import { formatMoney, ProblemError } from "@valhalla/runtime";
import type { PipelineDeal } from "./contracts.js";

/** Merge fields a template may use, and how each is read from a deal. */
export const MERGE_FIELDS: Readonly<Record<string, (deal: PipelineDeal) => string | null>> = {
  "deal.id": (d) => d.id,
  "deal.address": (d) => dealAddress(d),
  "deal.seller_name": (d) => (typeof d.seller_name === "string" && d.seller_name ? d.seller_name : null),
  "deal.stage": (d) => d.stage,
  // Money stays integer minor units until here; the draft shows the decimal and the currency.
  "deal.mao": (d) =>
    typeof d.mao_minor === "number" && Number.isSafeInteger(d.mao_minor)
      ? `${formatMoney({ amount_minor: d.mao_minor, currency: d.currency ?? "USD" })} ${d.currency ?? "USD"}`
      : null,
  "deal.currency": (d) => d.currency ?? null,
};

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every merge field named in `text`, in order of appearance (duplicates kept once). */
export function mergeFieldsIn(text: string): string[] {
  return [...new Set([...text.matchAll(TOKEN)].map((m) => m[1] ?? ""))];
}

/**
 * Reject unknown merge fields and stray braces at save time, naming the field and the template
 * part (`body`, `subject`), so a typo is an error now rather than a blank in a sent message.
 */
export function assertMergeFields(parts: Readonly<Record<string, string | null | undefined>>): void {
  const errors: { pointer: string; field: string; message: string }[] = [];
  const known = Object.keys(MERGE_FIELDS).join(", ");
  for (const [part, text] of Object.entries(parts)) {
    if (!text) continue;
    for (const name of mergeFieldsIn(text)) {
      if (!(name in MERGE_FIELDS)) {
        errors.push({
          pointer: `/body/${part}`,
          field: part,
          message: `unknown merge field '{{${name}}}'; known: ${known}`,
        });
      }
    }
    const stripped = text.replace(TOKEN, "");
    if (stripped.includes("{{") || stripped.includes("}}")) {
      errors.push({ pointer: `/body/${part}`, field: part, message: "has an unclosed '{{' or a stray '}}'" });
    }
  }
  if (errors.length) {
    throw new ProblemError(
      400,
      "validation-failed",
      `Invalid body: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
      { errors },
    );
  }
}

/** Fill a saved template from a deal; known fields without a value render empty and are listed. */
export function renderTemplate(text: string, deal: PipelineDeal): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(TOKEN, (_m, name: string) => {
    const value = MERGE_FIELDS[name]?.(deal) ?? null;
    if (value === null) missing.add(name);
    return value ?? "";
  });
  return { text: out, missing: [...missing] };
}

/** The deal's street address, whichever name its provider uses. */
export function dealAddress(d: { address?: unknown; property_address?: unknown }): string | null {
  for (const a of [d.address, d.property_address]) if (typeof a === "string" && a) return a;
  return null;
}
