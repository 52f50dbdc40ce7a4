import type { Context } from "hono";
import { nodeBindings } from "../http/node-bindings.js";

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
 * @internal
 * Call `abort` if the client goes away before the response is sent. On Node we watch the socket's
 * response (`c.env.outgoing`): reading `c.req.raw.signal` there would make @hono/node-server build a
 * full `Request` and `AbortSignal.any` per request, which cost more than the rest of a GET.
 */
export function onClientGone(c: Context, abort: () => void): () => void {
  const outgoing = nodeBindings(c)?.outgoing;
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
