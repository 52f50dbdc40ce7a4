import type { ServerResponse } from "node:http";
import { ProblemError } from "@valhalla/runtime";
import type { Context, MiddlewareHandler } from "hono";

/** Context key holding the still-running handler after a timeout (idempotency waits on it). */
const PENDING = "timedOutWork";

/** The handler promise left running by a timeout, if this request timed out. @internal */
export function timedOutWork(c: Context): Promise<void> | undefined {
  return c.get(PENDING as never) as Promise<void> | undefined;
}

/**
 * Answer 504 once `ms` pass, and abort the request's `AbortSignal` (`c.get("signal")`, also
 * aborted when the client disconnects). Hono's own `timeout` only races the handler; the signal
 * is what stops a late write: collections check it before commit, so a timed-out write never lands.
 * @internal
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  if (!Number.isInteger(ms) || ms < 1)
    throw new TypeError("[valhalla] [timeout] timeoutMs must be a positive integer");
  return async (c, next) => {
    const ctrl = new AbortController();
    c.set("signal" as never, ctrl.signal as never);
    const stopWatching = onClientGone(c, () =>
      ctrl.abort(new DOMException("Client connection closed", "AbortError")),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const work = next();
    const expired = new Promise<true>((r) => {
      timer = setTimeout(() => r(true), ms);
    });
    const late = await Promise.race([work.then(() => false), expired]).finally(stopWatching);
    clearTimeout(timer);
    if (!late) return;
    ctrl.abort(new DOMException(`The request exceeded ${ms} ms`, "TimeoutError"));
    c.set(
      PENDING as never,
      work.then(
        () => undefined,
        () => undefined,
      ) as never,
    );
    throw new ProblemError(504, "timeout", `The request took longer than ${ms} ms; nothing was committed`);
  };
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
