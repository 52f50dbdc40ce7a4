import { isReply, type Principal, ProblemError, type Registry } from "@valhalla/runtime";
import type { Context } from "hono";
import { securedJsonResponse } from "../../http/envelope.js";
import { requestHeader } from "../../http/request-header.js";
import { type Exchange, principalOf } from "../exchange.js";
import { LazyAbort, onClientGone } from "../lazy-abort.js";
import type { Stage } from "../stage.js";

/** Methods whose calls are audited unless a route says otherwise. @internal */
export const MUTATING: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Parse `If-Match: "3"` (or `W/"3"`, or `3`) into a revision. */
function parseIfMatch(c: Context): number | undefined {
  const raw = requestHeader(c, "if-match");
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(raw.trim());
  if (!m) throw new ProblemError(400, "invalid-if-match", 'If-Match must be an ETag such as "3"');
  return Number(m[1]);
}

/** The id a response body is about (`id`, a job run's `run.id`, an `approval_id`), for the audit. */
function idOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { id?: unknown; run?: { id?: unknown }; approval_id?: unknown };
  for (const v of [b.id, b.run?.id, b.approval_id]) if (typeof v === "string") return v;
  return undefined;
}

/**
 * `handle`: run the route's handler with its validated input, the caller's principal and a
 * context whose writes check the request's abort flag; answer 504 once `timeoutMs` pass (the flag
 * is raised too, so a late write never commits), then turn what the handler returned into the
 * response: a `Response` as is, a `reply()` with its status and headers, other data as 200 JSON.
 * @internal
 */
export function handleStage(registry: Registry, timeoutMs: number, overruns: Overruns = new Set()): Stage {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new TypeError("[valhalla] [timeout] timeoutMs must be a positive integer");
  return {
    name: "handle",
    async run(x) {
      const { c, route } = x;
      // Only the audit entry needs the record id; reads are not audited unless they ask to be.
      const audited = route.def.audit ?? MUTATING.has(route.method);
      const ifRev = parseIfMatch(c);
      const abort = new LazyAbort();
      x.abort = abort;
      x.started = true;
      const input = new HandlerInput(x, registry, abort, ifRev);
      const result = route.def.handler(input as unknown as Parameters<typeof route.def.handler>[0]);
      // A handler that answered synchronously is done: there is nothing left to time out.
      const out = isThenable(result)
        ? await deadline(x, Promise.resolve(result), abort, timeoutMs, overruns)
        : result;
      if (out instanceof Response) return out;
      const reply = isReply(out);
      const body = reply ? out.body : out;
      const status = reply ? out.status : 200;
      const empty = reply && (out.body === undefined || out.status === 204);
      if (audited && !empty) x.recordId = idOf(body);
      // A handler that took the Hono context may have set headers on it (`c.header()`): Hono merges them.
      if (input.honoUsed) {
        if (reply) for (const k in out.headers) c.header(k, out.headers[k]);
        return empty ? c.body(null, status as 204) : c.json(body as object, status as 200);
      }
      return respond(status, empty ? null : JSON.stringify(body), reply ? out.headers : undefined);
    },
  };
}

/**
 * The response, with its headers as a plain record. Through Hono (`c.json` with an ETag) they
 * would become a `Headers` object, which @hono/node-server must copy back into a record before
 * writing: a plain record is written as it is. A fresh record each time: the server adds
 * `Content-Length` to it.
 */
function respond(status: number, json: string | null, headers: Record<string, string> | undefined): Response {
  if (json === null) {
    const record: Record<string, string> = {};
    if (headers) for (const k in headers) record[k.toLowerCase()] = headers[k]!;
    return new Response(null, { status, headers: record });
  }
  return securedJsonResponse(json, status, headers);
}

/**
 * What a route handler receives. A class so that `c` is a getter: reading it marks the exchange,
 * and only then is the response built through Hono (which merges headers set with `c.header()`).
 */
class HandlerInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly principal: Principal;
  honoUsed = false;
  #ctx: unknown;
  constructor(
    private readonly x: Exchange,
    private readonly registry: Registry,
    private readonly abort: LazyAbort,
    readonly ifRev: number | undefined,
  ) {
    this.params = x.params;
    this.query = x.query;
    this.body = x.body;
    this.principal = principalOf(x);
  }
  get c(): Context {
    this.honoUsed = true;
    return this.x.c;
  }
  /** The pack context, bound on first read: many handlers (probes, host routes) never touch storage. */
  get ctx(): unknown {
    if (this.#ctx === undefined) {
      this.#ctx = this.registry.context(this.x.route.pack, new RequestAbort(this.abort));
    }
    return this.#ctx;
  }
}

/**
 * A request's context options: writes check `abort` itself, and a real `AbortSignal` is made only
 * if the handler reads `ctx.signal`. A class, so `signal` is one prototype getter: an object
 * literal's `get signal() {}` is a new closure per request, and per-object accessors kept each
 * request's objects alive through young-generation collections (see the runtime's `withSignal`).
 */
class RequestAbort {
  constructor(readonly abort: LazyAbort) {}
  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

const NOTHING_TO_STOP = () => {};

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/**
 * Handlers still running after their request was answered 504. `Host.close()` waits for them
 * (bounded) before closing storage, so none is cut off mid-write by a closed connection.
 * @internal
 */
export type Overruns = Set<Promise<void>>;

/**
 * Race the handler against the timeout and, for writes, the client going away. A read whose client
 * left has nothing to roll back, and watching the socket costs two listener changes per request.
 */
function deadline<T>(
  x: { c: Context; pending: Promise<void> | undefined; route: { method: string } },
  work: Promise<T>,
  abort: LazyAbort,
  ms: number,
  overruns: Overruns,
): Promise<T> {
  const stopWatching =
    x.route.method === "GET" || x.route.method === "HEAD"
      ? NOTHING_TO_STOP
      : onClientGone(x.c, () => abort.abort(new DOMException("Client connection closed", "AbortError")));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopWatching();
      abort.abort(new DOMException(`The request exceeded ${ms} ms`, "TimeoutError"));
      const pending = work.then(
        () => undefined,
        () => undefined,
      );
      x.pending = pending;
      // The handler runs on until its next write sees the flag; the host waits for it on close.
      overruns.add(pending);
      void pending.then(() => overruns.delete(pending));
      reject(
        new ProblemError(504, "timeout", `The request took longer than ${ms} ms; nothing was committed`),
      );
    }, ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        stopWatching();
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        stopWatching();
        reject(err);
      },
    );
  });
}
