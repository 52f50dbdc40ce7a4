import type { ApiResult, PageApi, PageProblem, Principal } from "@valhalla/runtime";
import { PageApiError } from "@valhalla/runtime";
import type { Hono } from "hono";
import { trustedEnv } from "../security/trusted-principal.js";

// Never resolved or dialled: in-process requests only need a syntactically complete URL.
const ORIGIN = "http://valhalla.internal";

/** Turn a non-2xx answer into a problem, whatever its body (problem+json, JSON, text or nothing). */
async function problemOf(res: Response): Promise<PageProblem> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    body = { detail: text };
  }
  const { type, title, status: _s, detail, ...extra } = body;
  const code = typeof type === "string" ? (type.split("/").pop() ?? "error") : "error";
  return {
    status: res.status,
    code,
    title: typeof title === "string" ? title : res.statusText || "Error",
    detail: typeof detail === "string" ? detail : "",
    extra,
  };
}

/**
 * The host's HTTP API, called in-process with `app.fetch` as `principal`: the request runs the
 * whole middleware stack (auth, scopes, rate limit, audit), so a page sees exactly what its viewer
 * could see with curl.
 * @internal
 */
export function pageApi(app: Hono, principal: Principal, requestId: string): PageApi {
  const env = trustedEnv(principal);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.fetch(
      new Request(ORIGIN + path, {
        method,
        headers: {
          accept: "application/json",
          "x-request-id": requestId,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
      env,
    );
  return {
    async get<T>(path: string, query?: Readonly<Record<string, string | number | undefined>>) {
      const qs = new URLSearchParams();
      for (const [k, val] of Object.entries(query ?? {})) if (val !== undefined) qs.set(k, String(val));
      const res = await call("GET", qs.size ? `${path}?${qs}` : path);
      if (!res.ok) throw new PageApiError(await problemOf(res));
      return (await res.json()) as T;
    },
    async send<T>(
      method: "POST" | "PUT" | "PATCH" | "DELETE",
      path: string,
      body?: unknown,
      headers?: Readonly<Record<string, string>>,
    ): Promise<ApiResult<T>> {
      const res = await call(method, path, body, { ...headers });
      if (!res.ok) return { ok: false, status: res.status, problem: await problemOf(res) };
      const text = await res.text();
      return { ok: true, status: res.status, data: (text ? JSON.parse(text) : null) as T };
    },
  };
}
