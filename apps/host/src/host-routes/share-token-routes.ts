import { actorRef, type FieldError, ProblemError, type Registry, reply, route } from "@valhalla/runtime";
import * as v from "valibot";
import {
  SHARE_TOKEN_DEFAULT_DAYS,
  SHARE_TOKEN_MAX_DAYS,
  type ShareTokenStore,
} from "../security/share-tokens.js";
import type { HostRoute } from "./schemas.js";

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

const TokenOut = v.object({
  id: v.string(),
  scope: v.string(),
  subject: v.string(),
  note: v.nullable(v.string()),
  expires_at: v.string(),
  revoked_at: v.nullable(v.string()),
  created_by: v.string(),
  created_at: v.string(),
});

function invalid(errors: FieldError[]): never {
  throw new ProblemError(
    400,
    "validation-failed",
    `Invalid body: ${errors.map((e) => `'${e.field}' ${e.message}`).join("; ")}`,
    { errors },
  );
}

/**
 * `POST /share_tokens`, `GET /share_tokens`, `DELETE /share_tokens/:id` (admin). A token's scope
 * must be the `shareScope` of some mounted route, and it names one subject (the partner), which
 * the routes it reaches see as `principal.subject`.
 * @internal
 */
export function shareTokenRoutes(deps: { registry: () => Registry; shares: ShareTokenStore }): HostRoute[] {
  const { shares } = deps;
  let known: string[] | undefined;
  const knownScopes = () =>
    (known ??= [
      ...new Set(
        deps
          .registry()
          .routes.map((r) => r.def.shareScope)
          .filter((s): s is string => !!s),
      ),
    ].sort());

  return [
    route({
      method: "POST",
      path: "/share_tokens",
      summary: "Create a partner share token (its secret is shown once)",
      scope: "admin",
      body: CreateBody,
      response: {
        status: 201,
        schema: v.object({ ...TokenOut.entries, token: v.string() }),
        description: "The token, with its secret in `token` (shown only now)",
      },
      errors: [400, 401, 403, 415],
      handler: async ({ body, principal }) => {
        const scopes = knownScopes();
        if (!scopes.includes(body.scope)) {
          invalid([
            {
              pointer: "/body/scope",
              field: "scope",
              message: `is not a share scope of any installed route; known: ${scopes.join(", ") || "none"}`,
            },
          ]);
        }
        if (body.subject === undefined)
          invalid([
            {
              pointer: "/body/subject",
              field: "subject",
              message: `is required for a '${body.scope}' token`,
            },
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
        const { token, secret } = await shares.create({
          scope: body.scope,
          subject: body.subject,
          expiresAt,
          note: body.note ?? null,
          createdBy: actorRef(principal).id,
        });
        return reply(201, { ...token, token: secret }, { location: `/share_tokens/${token.id}` });
      },
    }),
    route({
      method: "GET",
      path: "/share_tokens",
      summary: "Every share token (never their secrets)",
      scope: "admin",
      response: { status: 200, schema: v.object({ items: v.array(TokenOut) }) },
      errors: [401, 403],
      handler: async () => ({ items: await shares.list() }),
    }),
    route({
      method: "DELETE",
      path: "/share_tokens/:id",
      summary: "Revoke a share token",
      scope: "admin",
      params: v.object({ id: v.pipe(v.string(), v.regex(/^shr_[A-Za-z0-9]{1,40}$/)) }),
      response: { status: 204, description: "Revoked" },
      errors: [401, 403, 404],
      handler: async ({ params }) => {
        if (!(await shares.revoke(params.id)))
          throw new ProblemError(404, "not-found", "No such share token");
        return reply(204);
      },
    }),
  ];
}
