import { formatMoney, ProblemError } from "@valhalla/runtime";
import type { PipelineDeal } from "./contracts.js";

/** Who signs the messages: `config.pipeline.sender`. @public */
export interface SenderProfile {
  readonly name: string;
  readonly company?: string | undefined;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
}

/** What a template is filled from: the deal, the offer the user chose, and the sender profile. @public */
export interface MergeSource {
  readonly deal: PipelineDeal;
  /** The offer chosen for this message (run body or the follow-up chain), else the deal's own. */
  readonly offer_price_minor?: number | null | undefined;
  readonly sender?: SenderProfile | undefined;
}

// Money stays integer minor units until here; the draft shows the decimal and the currency.
const money = (minor: number | null | undefined, currency: string | undefined): string | null => {
  if (typeof minor !== "number" || !Number.isSafeInteger(minor)) return null;
  const cur = currency ?? "USD";
  return `${formatMoney({ amount_minor: minor, currency: cur })} ${cur}`;
};
const nonEmpty = (s: unknown): string | null => (typeof s === "string" && s ? s : null);

/**
 * Merge fields a template may use, and how each is read. `deal.mao` is the most the user would pay
 * and is meant for the user's own notes; messages to a seller quote `deal.offer_price`.
 * @public
 */
export const MERGE_FIELDS: Readonly<Record<string, (m: MergeSource) => string | null>> = {
  "deal.id": (m) => m.deal.id,
  "deal.address": (m) => dealAddress(m.deal),
  "deal.seller_name": (m) => nonEmpty(m.deal.seller_name),
  "deal.stage": (m) => m.deal.stage,
  "deal.mao": (m) => money(m.deal.mao_minor, m.deal.currency),
  "deal.offer_price": (m) => money(m.offer_price_minor ?? m.deal.offer_price_minor, m.deal.currency),
  "deal.contract_price": (m) => money(m.deal.contract_price_minor, m.deal.currency),
  "deal.currency": (m) => m.deal.currency ?? null,
  "sender.name": (m) => nonEmpty(m.sender?.name),
  "sender.company": (m) => nonEmpty(m.sender?.company),
  "sender.phone": (m) => nonEmpty(m.sender?.phone),
  "sender.email": (m) => nonEmpty(m.sender?.email),
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

/**
 * Fill a template; known fields without a value render empty and are listed in `missing`. A line
 * made only of merge fields that all came out empty (a signature line without a phone) is dropped
 * rather than left blank.
 */
export function renderTemplate(text: string, source: MergeSource): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    let filled = false;
    const out = line.replace(TOKEN, (_m, name: string) => {
      const value = MERGE_FIELDS[name]?.(source) ?? null;
      if (value === null) missing.add(name);
      else filled = true;
      return value ?? "";
    });
    const onlyFields = line.replace(TOKEN, "").trim() === "" && line.trim() !== "";
    if (onlyFields && !filled) continue;
    lines.push(out);
  }
  return { text: lines.join("\n"), missing: [...missing] };
}

/** The deal's street address, whichever name its provider uses. */
export function dealAddress(d: { address?: unknown; property_address?: unknown }): string | null {
  for (const a of [d.address, d.property_address]) if (typeof a === "string" && a) return a;
  return null;
}
