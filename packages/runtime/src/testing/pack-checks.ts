import semver from "semver";
import { PACK_CODE_PATTERN } from "../pack/define-pack.js";
import { isServiceRef } from "../pack/service-ref.js";
import type { AnyPack, BriefSection, RouteDef } from "../pack/types.js";
import { cronError } from "../registry/checks/jobs.js";
import type { CollectionDef } from "../storage/collection.js";
import { isTimeZone } from "../time/zoned-date.js";

/**
 * Pure checks behind `packSuite`: each returns a list of problems (empty when conforming), so the
 * suite can print every problem at once and the kit itself can be tested on broken packs.
 * @module
 */

const NS_PATTERN = /^[a-z][a-z0-9_]*$/;
const JOB_PATTERN = /^[a-z][a-z0-9-]*$/;
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const SCOPES = new Set(["read", "write", "admin", "public"]);
const SEVERITIES = new Set(["error", "warning", "info"]);

/** Contract shape: what `definePack` enforces plus storage, refs and migrations. @internal */
export function contractProblems(pack: AnyPack): string[] {
  const out: string[] = [];
  if (typeof pack.code !== "string" || !PACK_CODE_PATTERN.test(pack.code))
    out.push(`code '${String(pack.code)}' must match ${PACK_CODE_PATTERN}`);
  if (typeof pack.version !== "string" || !semver.valid(pack.version))
    out.push(`version '${String(pack.version)}' must be semver (1.2.3)`);
  if (typeof pack.description !== "string" || pack.description.trim() === "")
    out.push("description must be a non-empty string");
  if (!Object.isFrozen(pack)) out.push("pack must come from definePack (it is not frozen)");

  const prefixes = new Map<string, string>();
  for (const [ns, def] of Object.entries((pack.storage ?? {}) as Record<string, CollectionDef>)) {
    if (!NS_PATTERN.test(ns)) out.push(`namespace '${ns}' must match ${NS_PATTERN}`);
    if (def?.kind !== "collection") {
      out.push(`namespace '${ns}' must be declared with collection()`);
      continue;
    }
    if (!PREFIX_PATTERN.test(def.prefix)) out.push(`namespace '${ns}' has invalid id prefix '${def.prefix}'`);
    const other = prefixes.get(def.prefix);
    if (other) out.push(`namespaces '${other}' and '${ns}' share the id prefix '${def.prefix}'`);
    prefixes.set(def.prefix, ns);
    if (new Set(def.indexes).size !== def.indexes.length) out.push(`namespace '${ns}' lists an index twice`);
  }

  const jobs = new Set<string>();
  for (const job of pack.jobs ?? []) {
    if (jobs.has(job.name)) out.push(`job '${job.name}' is declared twice`);
    jobs.add(job.name);
  }

  for (const [key, ref] of Object.entries((pack.requires ?? {}) as Record<string, unknown>)) {
    if (!isServiceRef(ref)) out.push(`requires.${key} must be a serviceRef`);
    else if (!semver.validRange(ref.version))
      out.push(`requires.${key} (${ref.toString()}) has an invalid semver range '${ref.version}'`);
    else if (ref.pack === pack.code) out.push(`requires.${key} points at the pack itself`);
  }
  const provided = new Set<string>();
  for (const ref of pack.provides ?? []) {
    if (!isServiceRef(ref)) {
      out.push("provides must list serviceRefs");
      continue;
    }
    if (ref.pack !== pack.code) out.push(`provides ${ref.toString()}, which belongs to pack '${ref.pack}'`);
    if (provided.has(ref.id)) out.push(`provides ${ref.toString()} twice`);
    provided.add(ref.id);
  }
  if (provided.size > 0 && typeof pack.services !== "function")
    out.push("provides services but has no services(ctx) factory");

  let last = 0;
  for (const m of pack.migrations ?? []) {
    if (!Number.isInteger(m.version) || m.version <= last)
      out.push(`migration '${m.name}' version ${m.version} must be an integer above ${last}`);
    last = Math.max(last, Number.isInteger(m.version) ? m.version : last);
  }
  return out;
}

/** Every route has a scope, a summary and schemas for the input it takes. @internal */
export function routeProblems(pack: AnyPack): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const r of (pack.routes ?? []) as readonly RouteDef<any, any, any, any>[]) {
    const label = `${String(r.method)} ${String(r.path)}`;
    if (!METHODS.has(r.method)) out.push(`${label}: method must be one of ${[...METHODS].join(", ")}`);
    if (typeof r.path !== "string" || !r.path.startsWith("/")) out.push(`${label}: path must start with '/'`);
    if (seen.has(label)) out.push(`${label}: declared twice`);
    seen.add(label);
    if (!SCOPES.has(r.scope)) out.push(`${label}: scope must be one of ${[...SCOPES].join(", ")}`);
    if (typeof r.summary !== "string" || r.summary.trim() === "") out.push(`${label}: summary is missing`);
    if (typeof r.handler !== "function") out.push(`${label}: handler must be a function`);
    const names = [...String(r.path).matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    if (names.length > 0) {
      const entries = schemaEntries(r.params);
      if (!r.params) out.push(`${label}: path parameters ${names.join(", ")} have no params schema`);
      else if (entries) {
        for (const n of names) if (!(n in entries)) out.push(`${label}: params schema lacks '${n}'`);
      }
    }
    if ((r.method === "PUT" || r.method === "PATCH") && !r.body) out.push(`${label}: body schema is missing`);
    if (r.response && !(r.response.status >= 200 && r.response.status < 300))
      out.push(`${label}: documented success status ${r.response.status} is not 2xx`);
  }
  return out;
}

/** Jobs: name rule, cron that parses, valid time zone, a run function. @internal */
export function jobProblems(pack: AnyPack): string[] {
  const out: string[] = [];
  for (const job of pack.jobs ?? []) {
    const label = `job '${String(job.name)}'`;
    if (typeof job.name !== "string" || !JOB_PATTERN.test(job.name))
      out.push(`${label}: name must match ${JOB_PATTERN}`);
    if (job.timezone !== undefined && !isTimeZone(job.timezone))
      out.push(`${label}: time zone '${job.timezone}' is not an IANA zone`);
    const reason = typeof job.cron === "string" ? cronError(job.cron) : "cron must be a string";
    if (reason) out.push(`${label}: cron '${String(job.cron)}' does not parse (${reason})`);
    if (typeof job.run !== "function") out.push(`${label}: run must be a function`);
    if (job.timeoutMs !== undefined && !(job.timeoutMs > 0)) out.push(`${label}: timeoutMs must be positive`);
  }
  return out;
}

/** What `validate()` returned: an array of well-formed issues. @internal */
export function issueProblems(result: unknown): string[] {
  if (!Array.isArray(result)) return [`validate() must return an array of issues, got ${typeof result}`];
  const out: string[] = [];
  result.forEach((i: Record<string, unknown>, n) => {
    if (!SEVERITIES.has(i?.severity as string)) out.push(`issue ${n}: severity must be error|warning|info`);
    for (const f of ["code", "message", "hint"])
      if (typeof i?.[f] !== "string" || i[f] === "") out.push(`issue ${n}: ${f} must be a non-empty string`);
  });
  return out;
}

/** What `brief()` returned: a titled section of labelled items. @internal */
export function briefProblems(section: BriefSection | unknown): string[] {
  const s = section as Partial<BriefSection> | null;
  if (typeof s !== "object" || s === null) return ["brief() must return a section object"];
  const out: string[] = [];
  if (typeof s.title !== "string" || s.title === "") out.push("brief section needs a title");
  if (!Array.isArray(s.items)) out.push("brief section needs an items array");
  else
    s.items.forEach((item, n) => {
      if (typeof item?.label !== "string" || item.label === "") out.push(`brief item ${n} needs a label`);
    });
  return out;
}

function schemaEntries(schema: unknown): Record<string, unknown> | undefined {
  const s = schema as { entries?: Record<string, unknown>; pipe?: unknown[] } | undefined;
  if (s?.entries && typeof s.entries === "object") return s.entries;
  const first = s?.pipe?.[0] as { entries?: Record<string, unknown> } | undefined;
  return first?.entries;
}
