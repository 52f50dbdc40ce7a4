import type { Severity } from "../pack/types.js";

interface CodeSpec<A> {
  readonly severity: Severity;
  readonly message: (args: A) => string;
  readonly hint: string;
}
const issue = <A>(severity: Severity, message: (args: A) => string, hint: string): CodeSpec<A> => ({
  severity,
  message,
  hint,
});
const q = (s: string) => `'${s}'`;

/**
 * Every registry code, its severity, message and fix. A released code is never renamed or reused;
 * the runtime README carries the same table (a test keeps them in step).
 * @public
 */
export const CODES = {
  /** Pack shape */
  E_PACK_INVALID: issue(
    "error",
    (a: { reason: string }) => `Pack is not valid: ${a.reason}`,
    "Create the pack with definePack() and fix the rule named in the message.",
  ),
  E_DUP_CODE: issue(
    "error",
    (a: { code: string; count: number }) => `Pack code ${q(a.code)} is used by ${a.count} packs`,
    "Install each pack once, or give your own pack a different code.",
  ),
  E_PACK_VALIDATE_FAILED: issue(
    "error",
    (a: { error: string }) => `The pack's validate() threw: ${a.error}`,
    "validate() must return issues, not throw; fix the error it raised.",
  ),
  E_CONFIG_INVALID: issue(
    "error",
    (a: { field: string; reason: string }) => `Config ${q(a.field)} is invalid: ${a.reason}`,
    "Fix the pack's section of the host config.",
  ),
  /** Routes */
  E_ROUTE_CONFLICT: issue(
    "error",
    (a: { route: string; first: string; second: string }) =>
      `Route ${q(a.route)} is declared by both ${q(a.first)} and ${q(a.second)}`,
    "Change the path of one of the two routes (a pack's code is its URL prefix, so two packs never share a route unless one lands on the other's prefix or the host's).",
  ),
  E_ROUTE_INVALID: issue(
    "error",
    (a: { route: string; reason: string }) => `Route ${q(a.route)} is invalid: ${a.reason}`,
    "Use a method of GET/POST/PUT/PATCH/DELETE, a path starting with '/', and a handler.",
  ),
  E_ROUTE_NO_SCOPE: issue(
    "error",
    (a: { route: string }) => `Route ${q(a.route)} declares no scope`,
    "Add scope: 'read' | 'write' | 'admin' | 'public' to the route.",
  ),
  /** Pages */
  E_PAGE_CONFLICT: issue(
    "error",
    (a: { page: string; first: string; second: string }) =>
      `Page ${q(a.page)} is declared by both ${q(a.first)} and ${q(a.second)}`,
    "Change one page's path, or give one pack a different code.",
  ),
  E_COMMAND_CONFLICT: issue(
    "error",
    (a: { command: string; first: string; second: string }) =>
      `CLI command ${q(a.command)} is declared by both ${q(a.first)} and ${q(a.second)}`,
    "Rename one pack's command; the host's own commands cannot be replaced.",
  ),
  E_COMMAND_INVALID: issue(
    "error",
    (a: { command: string; reason: string }) => `CLI command ${q(a.command)} is invalid: ${a.reason}`,
    "Give it a name of lowercase words joined by '-', a summary, a usage line and a run function.",
  ),
  E_PAGE_INVALID: issue(
    "error",
    (a: { page: string; reason: string }) => `Page ${q(a.page)} is invalid: ${a.reason}`,
    "Give each page a path starting with '/', a title and a render function; widgets need a unique id.",
  ),
  /** Storage */
  E_NS_CONFLICT: issue(
    "error",
    (a: { namespace: string; first: string; second: string }) =>
      `Storage namespace ${q(a.namespace)} is claimed by both ${q(a.first)} and ${q(a.second)}`,
    "Give each pack its own code; namespaces are prefixed by it.",
  ),
  E_ID_PREFIX_CONFLICT: issue(
    "error",
    (a: { prefix: string; first: string; second: string }) =>
      `Id prefix ${q(a.prefix)} is used by both ${q(a.first)} and ${q(a.second)}`,
    "Choose a distinct collection prefix so ids say which record they are.",
  ),
  E_STORAGE_LOCKS: issue(
    "error",
    (a: { driver: string; needs: string }) =>
      `Driver ${q(a.driver)} only locks within one process, but ${a.needs} needs locks across processes`,
    "Use the Redis or Postgres driver when running several replicas.",
  ),
  W_INDEX_SCAN: issue(
    "warning",
    (a: { namespace: string; driver: string }) =>
      `Driver ${q(a.driver)} has no native indexes: listing ${q(a.namespace)} reads every record`,
    "Use a driver with native indexes (memory, sqlite, redis, postgres) for large namespaces.",
  ),
  W_MIGRATIONS_PENDING: issue(
    "warning",
    (a: { from: number; to: number }) =>
      `Migrations pending: stored schema version ${a.from}, pack expects ${a.to}`,
    "Start the host (`valhalla serve` or `createHost()`): pending migrations run at start, under a lock.",
  ),
  E_MIGRATIONS_INVALID: issue(
    "error",
    (a: { reason: string }) => `Migrations are not valid: ${a.reason}`,
    "Number migrations 1, 2, 3 … without gaps or repeats.",
  ),
  E_STORAGE_AHEAD: issue(
    "error",
    (a: { stored: number; latest: number }) =>
      `Stored schema version ${a.stored} is newer than this pack's latest migration ${a.latest}`,
    "Upgrade the pack to the version that wrote this data.",
  ),
  /** Requirements */
  E_REQUIRE_MISSING: issue(
    "error",
    (a: { required: string; ref: string }) =>
      `Requires pack ${q(a.required)} (for ${a.ref}), which is not installed`,
    "Install the required pack, or mark the ref optional with .optionalRef().",
  ),
  E_REQUIRE_VERSION: issue(
    "error",
    (a: { required: string; range: string; found: string }) =>
      `Requires ${q(a.required)} ${a.range}, but ${a.found} is installed`,
    "Install a version of the required pack inside the range.",
  ),
  I_OPTIONAL_MISSING: issue(
    "info",
    (a: { required: string }) => `Optional pack ${q(a.required)} is not installed; related features are off`,
    "Install it to enable the integration.",
  ),
  E_PROVIDE_MISSING: issue(
    "error",
    (a: { provider: string; service: string }) => `Pack ${q(a.provider)} does not provide ${q(a.service)}`,
    "Upgrade the provider, or add the ref to its provides and services.",
  ),
  E_DEP_CYCLE: issue(
    "error",
    (a: { path: string[] }) => `Dependency cycle: ${a.path.map(q).join(" -> ")}`,
    "Break the cycle: make one requirement optional or move the shared service to a third pack.",
  ),
  /** Jobs */
  E_JOB_CRON_INVALID: issue(
    "error",
    (a: { job: string; cron: string; reason: string }) =>
      `Job ${q(a.job)} has invalid cron ${q(a.cron)}: ${a.reason}`,
    "Use a 5- or 6-field cron pattern, e.g. '0 7 * * *'.",
  ),
  E_JOB_TZ_INVALID: issue(
    "error",
    (a: { job: string; timezone: string }) => `Job ${q(a.job)} has unknown time zone ${q(a.timezone)}`,
    "Use an IANA zone such as 'America/Chicago'.",
  ),
  E_JOB_DUP: issue(
    "error",
    (a: { job: string }) => `Job ${q(a.job)} is declared more than once`,
    "Give each job of a pack a distinct name.",
  ),
  I_JOBS_SINGLE_PROCESS: issue(
    "info",
    (a: { driver: string }) => `Jobs run exactly once only within one process on driver ${q(a.driver)}`,
    "Use Redis or Postgres to run several replicas with exactly-once ticks.",
  ),
  /** Host */
  E_TIMEZONE_INVALID: issue(
    "error",
    (a: { timezone: string }) => `Host time zone ${q(a.timezone)} is unknown`,
    "Set VALHALLA_TZ to an IANA zone such as 'America/Chicago'.",
  ),
} as const;

/** A registry code. @public */
export type IssueCode = keyof typeof CODES;
type ArgsOf<C extends IssueCode> = Parameters<(typeof CODES)[C]["message"]>[0];

/** Build an issue from the table. @internal */
export function makeIssue<C extends IssueCode>(code: C, pack: string | null, args: ArgsOf<C>) {
  const spec = CODES[code] as CodeSpec<ArgsOf<C>>;
  return { severity: spec.severity, code, pack, message: spec.message(args), hint: spec.hint };
}
