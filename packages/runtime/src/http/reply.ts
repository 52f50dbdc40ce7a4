const REPLY = Symbol.for("valhalla.reply");

/** A handler's explicit response: status, JSON body and headers. @public */
export interface Reply {
  readonly [REPLY]: true;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Answer with a status other than 200, or with headers. Plain data returned from a handler is 200.
 * @example return reply(201, asset, { etag: `"${asset.rev}"` });
 * @public
 */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): Reply {
  return { [REPLY]: true, status, body, headers };
}

/** Whether a handler result is a `reply()`. @internal */
export function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[REPLY] === true;
}

/** A `reply()` for a stored record, with its revision as a strong ETag. @public */
export function replyRecord(
  status: number,
  record: { rev: number },
  headers: Record<string, string> = {},
): Reply {
  return reply(status, record, { etag: `"${record.rev}"`, ...headers });
}
