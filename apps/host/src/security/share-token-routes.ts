import { type FieldError, ProblemError, type Registry } from "@valhalla/runtime";
import type { Hono } from "hono";
import * as v from "valibot";
import { markStarted } from "../http/idempotency.js";
import { readJson } from "../http/read-json.js";
import { getPrincipal } from "./principal.js";
import {
  SHARE_TOKEN_DEFAULT_DAYS,
  SHARE_TOKEN_MAX_DAYS,
  type ShareTokenInfo,
  type ShareTokenStore,
} from "./share-tokens.js";

const DAY = 86_400_000;
const printable = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, "must not be empty"),
    v.maxLength(max, `must be at most ${max} characters`),
    // Control characters (\u0000 included) never round-trip through every store alike.
    v.regex(/^[^\p{Cc}\p{Cs}]*$/u, "must not contain control characters"),
  );

const CreateBody = v.strictObject({
  scope: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,31}$/, "must be a share scope such as 'jv_board'")),
  subject: v.optional(printable(200)),
  expires_at: v.optional(v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp"))),
  note: v.optional(printable(500)),
});

const view = (t: ShareTokenInfo) => t;

function invalid(errors: FieldError[]): never {
  throw new ProblemError(
    400,
    "validation-failed",
    `Invalid body: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
    { errors },
  );
}

/**
 * `POST /share_tokens`, `GET /share_tokens`, `DELETE /share_tokens/:id` (admin, enforced by the
 * auth middleware). A token's scope must be the `shareScope` of some mounted route, and it names one
 * subject (the partner), which the routes it reaches see as `c.get("shareSubject")`.
 * @internal
 */
export function mountShareTokenRoutes(app: Hono, registry: Registry, store: ShareTokenStore): void {
  const known = [
    ...new Set(registry.routes.map((r) => r.def.shareScope).filter((s): s is string => !!s)),
  ].sort();

  app.post("/share_tokens", async (c) => {
    const parsed = v.safeParse(CreateBody, await readJson(c), { abortPipeEarly: true });
    if (!parsed.success) {
      invalid(
        parsed.issues.map((i) => {
          const field = v.getDotPath(i) ?? "body";
          return {
            pointer: `/body/${field}`,
            field,
            message: i.expected === "never" ? "is not a known field" : i.message,
          };
        }),
      );
    }
    const body = parsed.output;
    if (!known.includes(body.scope)) {
      invalid([
        {
          pointer: "/body/scope",
          field: "scope",
          message: `is not a share scope of any installed route; known: ${known.join(", ") || "none"}`,
        },
      ]);
    }
    if (body.subject === undefined)
      invalid([
        { pointer: "/body/subject", field: "subject", message: `is required for a '${body.scope}' token` },
      ]);
    const now = Date.now();
    const expiresAt = body.expires_at
      ? new Date(body.expires_at)
      : new Date(now + SHARE_TOKEN_DEFAULT_DAYS * DAY);
    if (expiresAt.getTime() <= now || expiresAt.getTime() > now + SHARE_TOKEN_MAX_DAYS * DAY) {
      invalid([
        {
          pointer: "/body/expires_at",
          field: "expires_at",
          message: `must be in the future and within ${SHARE_TOKEN_MAX_DAYS} days`,
        },
      ]);
    }
    markStarted(c);
    const p = getPrincipal(c);
    const { token, secret } = await store.create({
      scope: body.scope,
      subject: body.subject,
      expiresAt,
      note: body.note ?? null,
      createdBy: p?.kind === "key" ? p.id : "anonymous",
    });
    return c.json({ ...view(token), token: secret }, 201, { location: `/share_tokens/${token.id}` });
  });

  app.get("/share_tokens", async (c) => c.json({ items: (await store.list()).map(view) }));

  app.delete("/share_tokens/:id", async (c) => {
    const id = c.req.param("id");
    const revoked = /^shr_[A-Za-z0-9]{1,40}$/.test(id) ? await store.revoke(id) : null;
    if (!revoked) throw new ProblemError(404, "not-found", "No such share token");
    return c.body(null, 204);
  });
}
