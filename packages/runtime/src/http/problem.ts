import { HTTPException } from "hono/http-exception";

/** Base of every problem `type` URI. @public */
export const PROBLEM_BASE = "https://valhalla.dev/problems/";

/** One offending input field (RFC 9457 extension). @public */
export interface FieldError {
  /** JSON pointer into the request part: `/body/amount`, `/query/limit`. */
  readonly pointer: string;
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem details body. @public */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * An HTTP error with an `application/problem+json` body and a stable `type` derived from `code`.
 * Route handlers throw it; hono honours `getResponse()`.
 *
 * @example
 * throw new ProblemError(409, "illegal-transition", "Cannot move from 'lead' to 'closed'", { allowed: ["offer", "dead"] });
 * @public
 */
export class ProblemError extends HTTPException {
  readonly code: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    code: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(status as 400, { message: detail });
    this.code = code;
    this.extensions = extensions;
    this.headers = headers;
  }

  /** The problem body. */
  toJSON(instance?: string): ProblemBody {
    // Extensions first: a pack's own field named `status` or `type` must never override the
    // members RFC 9457 defines (the HTTP status would no longer match the body).
    return {
      ...this.extensions,
      type: PROBLEM_BASE + this.code,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
    };
  }

  override getResponse(): Response {
    return problemResponse(this.toJSON(), this.headers);
  }
}

/** Serialize a problem body as a response. @public */
export function problemResponse(body: ProblemBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** The RFC 9110 reason phrase of a status code, as a problem `title`. @public */
export const titleOf = (status: number): string => TITLES[status] ?? "Error";
