import {
  ConflictError,
  FencedError,
  InvalidValueError,
  LockTimeoutError,
  MoneyError,
  NotFoundError,
  PROBLEM_BASE,
  type ProblemBody,
  ProblemError,
  problemResponse,
  titleOf,
} from "@valhalla/runtime";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/** Build a problem body for a status and stable code. */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemBody {
  return { type: PROBLEM_BASE + code, title: titleOf(status), status, detail, ...extra };
}

/** Map any thrown value to an RFC 9457 response; unknown errors become a bare 500 (logged once). */
export function errorToResponse(
  err: unknown,
  c: Context,
  log: (msg: string, f: Record<string, unknown>) => void,
): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "";
  const instance = new URL(c.req.url).pathname;
  const base = { instance, request_id: requestId };
  const send = (body: ProblemBody, headers: Record<string, string> = {}) =>
    problemResponse({ ...body, ...base }, { "x-request-id": requestId, ...headers });

  if (err instanceof ProblemError)
    return send({ ...err.toJSON(), ...base }, err.headers as Record<string, string>);
  if (err instanceof ConflictError) {
    return err.expectedRev !== undefined
      ? send(
          problem(412, "stale-revision", `${err.message}; fetch it again and retry with its ETag`, {
            current_rev: err.currentRev ?? null,
          }),
        )
      : send(problem(409, "conflict", "The record was changed concurrently; retry"));
  }
  if (err instanceof NotFoundError) return send(problem(404, "not-found", `No such record '${err.id}'`));
  if (err instanceof InvalidValueError) {
    // Storage messages name namespaces ('holdings.assets'); clients get no storage keys.
    const message = err.message.replace(/'[a-z_][a-z0-9_-]*\.[A-Za-z0-9_.-]+'/g, "the collection");
    return send(
      problem(400, "invalid-value", message, {
        errors: [{ pointer: `/${err.path.replace(/\./g, "/")}`, field: err.path, message }],
      }),
    );
  }
  if (err instanceof MoneyError) return send(problem(400, "invalid-money", err.message));
  if (err instanceof FencedError)
    return send(problem(409, "lease-lost", "The operation lost its lease and was not committed"));
  if (err instanceof LockTimeoutError)
    return send(problem(503, "busy", "The resource is busy; retry shortly"), { "retry-after": "1" });
  if (isStorageOutage(err))
    return send(problem(503, "storage-unavailable", "The storage is not reachable; retry shortly"), {
      "retry-after": "2",
    });
  if (err instanceof HTTPException) {
    const status = err.status;
    const code =
      status === 413
        ? "body-too-large"
        : status === 504
          ? "timeout"
          : status === 401
            ? "unauthorized"
            : "http-error";
    const detail =
      status === 413
        ? "The request body exceeds the size limit"
        : status === 504
          ? "The request took too long"
          : err.message || titleOf(status);
    return send(problem(status, code, detail));
  }
  if (err instanceof DOMException && (err.name === "AbortError" || err.name === "TimeoutError")) {
    return send(problem(504, "timeout", "The request took too long and was not committed"));
  }
  log("unhandled error", {
    request_id: requestId,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return send(
    problem(500, "internal", "An unexpected error occurred; quote the request id when reporting it"),
  );
}

const OUTAGE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P01", // Postgres: admin shutdown
  "57P03", // Postgres: cannot connect now
  "08000",
  "08001",
  "08003",
  "08006", // Postgres: connection exceptions
]);
const OUTAGE_MESSAGES =
  /Connection is closed|Connection terminated|timeout exceeded when trying to connect|Reached the max retries per request limit|connect ECONNREFUSED/;

/** Whether an error (or its cause) says the store is unreachable, as opposed to a bug. @internal */
export function isStorageOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && OUTAGE_CODES.has(code)) return true;
    if (e.name === "MaxRetriesPerRequestError" || OUTAGE_MESSAGES.test(e.message)) return true;
    const nested = (e as { errors?: unknown[] }).errors; // AggregateError of a dual-stack connect
    if (Array.isArray(nested) && nested.some((n) => isStorageOutage(n))) return true;
  }
  return false;
}
