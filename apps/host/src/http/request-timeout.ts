import type { ServerResponse } from "node:http";
import { ProblemError } from "@valhalla/runtime";
import type { Context, MiddlewareHandler } from "hono";

/** Context key holding the still-running handler after a timeout (idempotency waits on it). */
const PENDING = "timedOutWork";
/** Context key of the request's {@link LazyAbort}. */
const ABORT = "requestAbort";

/** The handler promise left running by a timeout, if this request timed out. @internal */
export function timedOutWork(c: Context): Promise<void> | undefined {
  return c.get(PENDING as never) as Promise<void> | undefined;
}

/**
 * Answer 504 once `ms` pass, and abort the request's signal ({@link requestAbort}, also aborted
 * when the client disconnects). Hono's own `timeout` only races the handler; the signal
 * is what stops a late write: collections check it before commit, so a timed-out write never lands.
 * @internal
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  if (!Number.isInteger(ms) || ms < 1)
    throw new TypeError("[valhalla] [timeout] timeoutMs must be a positive integer");
  return (c, next) => {
    const abortable = new LazyAbort();
    c.set(ABORT as never, abortable as never);
    const stopWatching = onClientGone(c, () =>
      abortable.abort(new DOMException("Client connection closed", "AbortError")),
    );
    return new Promise<void>((resolve, reject) => {
      const work = next();
      const timer = setTimeout(() => {
        stopWatching();
        abortable.abort(new DOMException(`The request exceeded ${ms} ms`, "TimeoutError"));
        c.set(
          PENDING as never,
          work.then(
            () => undefined,
            () => undefined,
          ) as never,
        );
        reject(
          new ProblemError(504, "timeout", `The request took longer than ${ms} ms; nothing was committed`),
        );
      }, ms);
      work.then(
        () => {
          clearTimeout(timer);
          stopWatching();
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          stopWatching();
          reject(err);
        },
      );
    });
  };
}

/** The request's abort controller (timeout or client gone), if the timeout middleware ran. @internal */
export function requestAbort(c: Context): LazyAbort | undefined {
  return c.get(ABORT as never) as LazyAbort | undefined;
}

/**
 * An `AbortController` made on first read of `signal`; an abort before that is remembered, so a
 * late reader still gets an aborted signal.
 * @internal
 */
export class LazyAbort {
  #ctrl: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  get aborted(): boolean {
    return this.#aborted;
  }
  get reason(): unknown {
    return this.#reason;
  }
  get signal(): AbortSignal {
    if (!this.#ctrl) {
      this.#ctrl = new AbortController();
      if (this.#aborted) this.#ctrl.abort(this.#reason);
    }
    return this.#ctrl.signal;
  }
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#ctrl?.abort(reason);
  }
}

/**
 * Call `abort` if the client goes away before the response is sent. On Node we watch the socket's
 * response (`c.env.outgoing`): reading `c.req.raw.signal` there would make @hono/node-server build a
 * full `Request` and `AbortSignal.any` per request, which cost more than the rest of a GET.
 */
function onClientGone(c: Context, abort: () => void): () => void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && typeof outgoing.once === "function") {
    const onClose = () => {
      if (!outgoing.writableFinished) abort();
    };
    outgoing.once("close", onClose);
    return () => outgoing.off("close", onClose);
  }
  const signal = c.req.raw.signal as AbortSignal | undefined;
  if (!signal) return () => {};
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  return () => signal.removeEventListener("abort", abort);
}
