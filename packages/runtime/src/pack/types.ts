import type { Context } from "hono";
import type * as v from "valibot";
import type { Reply } from "../http/reply.js";
import type { Collection, CollectionDef } from "../storage/collection.js";
import type { Lease } from "../storage/driver.js";
import type { PageDef, WidgetDef } from "./pages.js";
import type { Principal } from "./principal.js";
import type { ServiceOf, ServiceRef } from "./service-ref.js";

/** Severity of a registry or pack issue. @public */
export type Severity = "error" | "warning" | "info";

/** One finding of validation, from the registry or a pack's own `validate()`. @public */
export interface Issue {
  readonly severity: Severity;
  readonly code: string;
  /** The pack concerned, or `null` for host-wide findings. */
  readonly pack: string | null;
  readonly message: string;
  readonly hint: string;
}

/** What a pack's `validate()` returns; the registry fills in `pack`. @public */
export type PackIssue = Omit<Issue, "pack"> & { readonly pack?: string };

/** A logger with structured fields. @public */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Locks spanning records, with TTL and owner token. @public */
export interface Locks {
  /** Run `fn` while holding `key`; waits up to `waitMs` for the lock. @throws when it cannot be had */
  withLock<T>(
    key: string,
    ttlMs: number,
    fn: (lease: Lease) => Promise<T>,
    options?: { waitMs?: number },
  ): Promise<T>;
}

/** Storage map of a pack: one collection per declared namespace. @public */
export type StorageOf<S> = {
  readonly [K in keyof S]: S[K] extends CollectionDef<infer Schema, infer I>
    ? Collection<v.InferOutput<Schema>, I>
    : never;
};

/** Dependencies map: each required ref resolved to its service (or `undefined` if optional). @public */
export type DepsOf<R> = {
  readonly [K in keyof R]: R[K] extends ServiceRef<infer T, infer O>
    ? O extends true
      ? T | undefined
      : T
    : never;
};

/** Everything a pack sees at run time. @public */
export interface PackContext<
  S = Record<string, CollectionDef>,
  R = Record<string, ServiceRef<unknown, boolean>>,
> {
  /** The pack's code. */
  readonly pack: string;
  readonly storage: StorageOf<S>;
  readonly deps: DepsOf<R>;
  readonly locks: Locks;
  /** The configured IANA time zone ("today" is computed in it). */
  readonly timezone: string;
  /** Current time; tests and the scheduler inject a clock. */
  now(): Date;
  /** The pack's own config section (from the host config file or `createHost({ config })`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly log: Logger;
  /** Present during a job run or a request with a deadline: aborts on timeout or lost lease. */
  readonly signal?: AbortSignal;
  /**
   * Perform one of the pack's declared `outbound` actions through the host's gate: it runs now,
   * or (in soft-launch mode) becomes an approval request that runs the action when approved.
   */
  outbound(
    kind: string,
    payload: Readonly<Record<string, unknown>>,
    options?: OutboundOptions,
  ): Promise<OutboundOutcome>;
}

/** Options of `ctx.outbound()`. @public */
export interface OutboundOptions {
  /** Human summary shown in the approval list. */
  readonly summary?: string;
  /** The record the action concerns (audit and approval listing). */
  readonly recordId?: string;
  /** Dedupe key: a second request with the same key while one is pending returns the pending one. */
  readonly key?: string;
}

/** What `ctx.outbound()` did: ran the action, or queued it for approval. @public */
export type OutboundOutcome =
  | { readonly status: "done"; readonly result: unknown }
  | { readonly status: "pending_approval"; readonly approval_id: string };

/** Decides how outbound actions run (the host installs one; the default runs them at once). @public */
export type OutboundGate = (request: {
  readonly pack: string;
  readonly kind: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly options: OutboundOptions;
  readonly run: () => Promise<unknown>;
}) => Promise<OutboundOutcome>;

/** An action a pack declares as outbound (it reaches people or systems outside the host). @public */
export type OutboundHandler<Ctx = PackContext<any, any>> = (
  ctx: Ctx,
  payload: Readonly<Record<string, unknown>>,
) => Promise<unknown> | unknown;

/** One go-live checklist item. @public */
export interface ReadinessItem {
  /** Stable id, `<pack>.<check>` for pack items. */
  readonly id: string;
  readonly label: string;
  readonly ok: boolean;
  /** What to do when not ok (imperative). */
  readonly hint: string;
}

/** What a pack's `seed()` did: ids of records created now and of those already present. @public */
export interface SeedResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
}

/** Scope a route needs: `<pack>:read`, `<pack>:write`, `admin`, or `public` (no auth). @public */
export type RouteScope = "read" | "write" | "admin" | "public";

/** HTTP methods a pack route may use. @public */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Validated input a handler receives. @public */
export interface RouteInput<P, Q, B, Ctx> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly ctx: Ctx;
  /** Who is calling, as the host's authentication resolved it. Record this, never a header. */
  readonly principal: Principal;
  /** The raw Hono context, for headers and anything unusual. */
  readonly c: Context;
  /** `If-Match` as a revision number, when the client sent one. */
  readonly ifRev: number | undefined;
}

/** What a handler returns: data (200 JSON), a `reply()` or a raw `Response`. @public */
export type RouteResult = Reply | Response;

/** A route declaration: data the host mounts, documents (OpenAPI) and secures. @public */
export interface RouteDef<
  P extends v.GenericSchema | undefined = v.GenericSchema | undefined,
  Q extends v.GenericSchema | undefined = v.GenericSchema | undefined,
  B extends v.GenericSchema | undefined = v.GenericSchema | undefined,
  Ctx = PackContext<any, any>,
> {
  readonly method: HttpMethod;
  /** Path under the pack's prefix, Hono syntax: `/`, `/:id`, `/:id/valuations`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly scope: RouteScope;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Success response: status and schema, for OpenAPI. */
  readonly response?: {
    readonly status: number;
    readonly schema?: v.GenericSchema;
    readonly description?: string;
    /** Media type of the success body. @default "application/json" */
    readonly contentType?: string;
  };
  /** Other documented statuses (problem+json). */
  readonly errors?: readonly number[];
  /** Who may read this route with a share token of this kind (e.g. `jv_board`). */
  readonly shareScope?: string;
  /** Append an audit entry for each call. @default true for POST, PUT, PATCH and DELETE */
  readonly audit?: boolean;
  /** Count calls against the caller's rate limit. @default true (health probes opt out) */
  readonly rateLimit?: boolean;
  /** Honour `Idempotency-Key`. @default true for POST */
  readonly idempotency?: boolean;
  /** Write a request log line for each call. @default true (health probes opt out) */
  readonly log?: boolean;
  readonly handler: (
    input: RouteInput<
      P extends v.GenericSchema ? v.InferOutput<P> : Record<string, string>,
      Q extends v.GenericSchema ? v.InferOutput<Q> : Record<string, string>,
      B extends v.GenericSchema ? v.InferOutput<B> : undefined,
      Ctx
    >,
  ) => Promise<RouteResult | unknown> | RouteResult | unknown;
}

/** A scheduled hook. @public */
export interface JobDef<Ctx = PackContext<any, any>> {
  readonly name: string;
  /** Cron pattern (5 or 6 fields; croner syntax). */
  readonly cron: string;
  /** IANA time zone overriding the host's. */
  readonly timezone?: string;
  readonly description?: string;
  /** Abort the run after this long. @default 300000 */
  readonly timeoutMs?: number;
  /** Allow a tick to start while the previous run is still going. @default false */
  readonly allowOverlap?: boolean;
  /** After downtime: `skip` missed ticks, or run `catch-up-once`. @default "skip" */
  readonly missed?: "skip" | "catch-up-once";
  readonly run: (
    ctx: Ctx & {
      readonly signal: AbortSignal;
      readonly tickId: string;
      /** Fencing number of the run's lease; grows with every run of the job. */
      readonly fence: number;
      /** The run itself (`kind: "job"`, id = tick id): record it as the author of the run's writes. */
      readonly principal: Principal;
    },
  ) => Promise<unknown> | unknown;
}

/** Where a pack command writes what people read. @public */
export interface CommandIo {
  /** A line of the command's result (stdout). */
  out(line: string): void;
  /** A line of diagnostics or progress (stderr). */
  err(line: string): void;
  /**
   * Progress while work goes on: redrawn in place on a terminal, one line per call otherwise
   * (stderr, so the result on stdout stays clean).
   */
  progress(text: string): void;
  /** Whether stderr is a terminal (colour and redrawn progress only then). */
  readonly tty: boolean;
}

/** One option of a pack command: `--<name> <value>` (string) or `--<name>` (boolean). @public */
export interface CommandOption {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** Placeholder of the value in help (`<id>`). */
  readonly value?: string;
}

/**
 * A command a pack adds to the `valhalla` CLI (`valhalla <name> [args] [--options]`). It runs against
 * the configured store with the pack's context; the principal is the operator running the CLI.
 * @public
 */
export interface CommandDef<Ctx = PackContext<any, any>> {
  /** Lowercase words joined by `-` (`import-bank`); unique across the host's and every pack's commands. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line, e.g. `valhalla import-bank <file> --account <id> [--dry-run]`. */
  readonly usage: string;
  readonly options?: Readonly<Record<string, CommandOption>>;
  readonly examples?: readonly string[];
  /** Resolve with the exit code: 0 done, 1 failed, 2 a usage error. */
  readonly run: (
    ctx: Ctx & { readonly principal: Principal },
    input: {
      readonly args: readonly string[];
      readonly options: Readonly<Record<string, string | boolean | undefined>>;
      readonly io: CommandIo;
    },
  ) => Promise<number> | number;
}

/** One ordered, versioned data migration of a pack's namespaces. @public */
export interface MigrationDef<Ctx = PackContext<any, any>> {
  /** Schema version this migration brings the pack to (1, 2, 3 …). */
  readonly version: number;
  readonly name: string;
  readonly up: (ctx: Ctx) => Promise<void> | void;
}

/** A section of the daily brief. @public */
export interface BriefSection {
  readonly title: string;
  readonly items: readonly { readonly label: string; readonly value?: unknown; readonly href?: string }[];
  readonly data?: unknown;
}

/** The services a pack provides, keyed by ref id. @public */
export type ServicesOf<P extends readonly ServiceRef<unknown, boolean>[]> = {
  [K in P[number] as K["id"]]: ServiceOf<K>;
};

/** The declaration passed to `definePack`. @public */
export interface PackDefinition<
  S extends Record<string, CollectionDef> = Record<string, CollectionDef>,
  R extends Record<string, ServiceRef<unknown, boolean>> = {},
  P extends readonly ServiceRef<unknown, boolean>[] = [],
> {
  readonly code: string;
  readonly version: string;
  readonly description: string;
  readonly requires?: R;
  readonly provides?: P;
  /** Builds the provided services from the pack's context. */
  readonly services?: (ctx: PackContext<S, R>) => ServicesOf<P>;
  readonly storage?: S;
  /** Routes mounted under `/<code>`. */
  readonly routes?: readonly RouteDef<any, any, any, PackContext<S, R>>[];
  /** Pages of the host's web app, mounted at `/app/<code><path>`; they read through the HTTP API. */
  readonly pages?: readonly PageDef[];
  /** Panels for the host's Today page (`/app`). */
  readonly widgets?: readonly WidgetDef[];
  readonly jobs?: readonly JobDef<PackContext<S, R>>[];
  /** Commands the pack adds to the `valhalla` CLI. */
  readonly commands?: readonly CommandDef<PackContext<S, R>>[];
  /** Whether the pack needs locks that hold across processes (several replicas). @default false */
  readonly needsClusterLocks?: boolean;
  readonly validate?: (ctx: PackContext<S, R>) => readonly PackIssue[] | Promise<readonly PackIssue[]>;
  readonly brief?: (ctx: PackContext<S, R>) => Promise<BriefSection> | BriefSection;
  /** Work the pack does once a day (`POST /ops/daily` and the daily loop). */
  readonly daily?: (ctx: PackContext<S, R>) => Promise<unknown> | unknown;
  /** Go-live checklist items computed from the pack's real state (`GET /readiness`). */
  readonly readiness?: (
    ctx: PackContext<S, R>,
  ) => Promise<readonly ReadinessItem[]> | readonly ReadinessItem[];
  /** Create the pack's minimal working setup; must be idempotent (`POST /boot/seed_minimum`). */
  readonly seed?: (ctx: PackContext<S, R>) => Promise<SeedResult> | SeedResult;
  /** Actions that reach outside the host, run through `ctx.outbound(kind, payload)`. */
  readonly outbound?: Readonly<Record<string, OutboundHandler<PackContext<S, R>>>>;
  readonly migrations?: readonly MigrationDef<PackContext<S, R>>[];
  /** Config a pack reads from `config[code]`, validated at start. */
  readonly configSchema?: v.GenericSchema;
}

declare const PACK_BRAND: unique symbol;

/** A validated pack, as returned by `definePack`. @public */
export type Pack<
  S extends Record<string, CollectionDef> = Record<string, CollectionDef>,
  R extends Record<string, ServiceRef<unknown, boolean>> = any,
  P extends readonly ServiceRef<unknown, boolean>[] = any,
> = PackDefinition<S, R, P> & { readonly [PACK_BRAND]: true };

/** Any pack, whatever its storage, requirements and services. @public */
export type AnyPack = Pack<any, any, any>;
