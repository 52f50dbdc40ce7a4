import type { IncomingMessage } from "node:http";
import { MAX_JSON_DEPTH, ProblemError } from "@valhalla/runtime";
import type { Context } from "hono";
import { nodeBindings } from "../../http/node-bindings.js";
import { requestHeader } from "../../http/request-header.js";
import type { Stage } from "../stage.js";

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
/** Keys that would reach an object's prototype; refused like any unknown field. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MAY_HOLD_FORBIDDEN = /__proto__|constructor|prototype|\\u/;

/**
 * `read-body`: read the body once, bounded by `maxBytes` (413 whether or not `Content-Length` was
 * sent), and, on routes with a body schema, parse it as JSON strictly: 415 for another content
 * type, 400 for malformed JSON, nesting deeper than 32, or a prototype key (`__proto__`). On a
 * route without a body schema it reads only for an `Idempotency-Key`'s fingerprint.
 * @internal
 */
export function readBodyStage(maxBytes: number, json: boolean): Stage {
  return {
    name: "read-body",
    async run(x, next) {
      // Without a body schema the text only feeds the idempotency fingerprint: no key, no read.
      if (!json && requestHeader(x.c, "idempotency-key") === undefined) return next(x);
      if (json) {
        const type = requestHeader(x.c, "content-type") ?? "";
        if (!JSON_TYPE.test(type))
          throw new ProblemError(
            415,
            "unsupported-media-type",
            `Send the body as application/json (got '${type || "none"}')`,
          );
      }
      x.text = await readLimited(x.c, maxBytes);
      if (json) x.body = parseJson(x.text);
      return next(x);
    },
  };
}

const incomplete = () =>
  new ProblemError(400, "body-incomplete", "The request body ended before it was complete");
const tooLarge = () => new ProblemError(413, "body-too-large", "The request body exceeds the size limit");

/** The body as text, refusing more than `max` bytes without buffering past it. */
async function readLimited(c: Context, max: number): Promise<string> {
  const declared = requestHeader(c, "content-length");
  if (declared !== undefined && Number(declared) > max) throw tooLarge();
  const incoming = nodeBindings(c)?.incoming;
  if (incoming && untouched(incoming)) return readIncoming(incoming, max);
  const stream = c.req.raw.body;
  if (!stream) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not awaited: cancelling one branch of a tee()d body (a cloned Request) settles only once
      // every branch is cancelled, which may be never.
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * Whether nothing has consumed the socket's body yet. Then it is read straight from Node's stream:
 * `c.req.raw.body` would make @hono/node-server build a whole fetch `Request` (an `AbortSignal`, a
 * web `ReadableStream` over the socket), about 3.6 KB per request that outlives young-generation
 * collections. Once anything has read it through `c.req.raw`, that is the only way left.
 */
function untouched(incoming: IncomingMessage): boolean {
  return incoming.readableFlowing === null && !incoming.readableDidRead && !incoming.readableEnded;
}

/** {@link readLimited} on Node's own request stream. */
function readIncoming(incoming: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // The stream keeps flowing with no listener, so the rest is read away and the client,
        // still sending, gets the 413 on a usable connection.
        stop();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    // An error or a close before the end: the client went away mid-body, and nobody is left to
    // read the answer; still a 4xx, since nothing on the server failed.
    const onError = () => {
      stop();
      reject(incomplete());
    };
    const onClose = onError;
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/** Parse a JSON body; every refusal is a 400 problem naming what is wrong. @internal */
export function parseJson(text: string): unknown {
  if (text.trim() === "")
    throw new ProblemError(400, "malformed-json", "The request body is empty; send a JSON object");
  if (tooDeep(text))
    throw new ProblemError(400, "json-too-deep", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let forbidden: string | undefined;
  let parsed: unknown;
  try {
    // A reviver makes JSON.parse about three times slower. A key can only be forbidden if its name,
    // or a `\u` escape that could spell it, appears in the text; otherwise parse plainly.
    parsed = MAY_HOLD_FORBIDDEN.test(text)
      ? JSON.parse(text, (key, value) => {
          if (FORBIDDEN_KEYS.has(key) && forbidden === undefined) forbidden = key;
          return value;
        })
      : JSON.parse(text);
  } catch (err) {
    throw new ProblemError(
      400,
      "malformed-json",
      `Malformed JSON: ${err instanceof Error ? err.message.replace(/\s+in JSON.*$/, "") : "parse error"}`,
    );
  }
  if (forbidden !== undefined) {
    throw new ProblemError(400, "validation-failed", `Invalid body: '${forbidden}' is not a known field`, {
      errors: [{ pointer: `/body/${forbidden}`, field: forbidden, message: "is not a known field" }],
    });
  }
  return parsed;
}

// Scan brackets outside strings before parsing, so a hostile body never reaches a recursive walk.
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}
