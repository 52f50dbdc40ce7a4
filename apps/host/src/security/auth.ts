import { type Logger, ProblemError, type Registry, type RegistryRoute } from "@valhalla/runtime";
import type { Context, MiddlewareHandler } from "hono";
import type { RouteGuard } from "../http/mount-routes.js";
import { type ApiKeyStore, scopeAllows, scopeName } from "./api-keys.js";
import { getPrincipal, type Principal, setPrincipal } from "./principal.js";
import { hashSecret, sameHash } from "./secrets.js";
import type { ShareTokenStore } from "./share-tokens.js";
import { trustedPrincipal } from "./trusted-principal.js";

/** Authentication options of `createHost`. @public */
export interface AuthOptions {
  /**
   * Turn authentication off (local use only): every route is open and the host logs a warning at
   * start. Also `VALHALLA_AUTH=off` for `valhalla serve`.
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * An admin secret accepted besides stored keys (`VALHALLA_ADMIN_KEY`), at least 32 characters.
   * Compared in constant time; never stored.
   */
  readonly adminKey?: string;
}

/** Host paths anyone may call. */
export const PUBLIC_HOST_PATHS: ReadonlySet<string> = new Set([
  "/healthz",
  "/readyz",
  "/openapi.json",
  "/docs",
]);

const REALM = 'Bearer realm="valhalla"';

const unauthorized = (detail: string, invalid: boolean) =>
  new ProblemError(
    401,
    "unauthorized",
    detail,
    {},
    {
      "www-authenticate": invalid ? `${REALM}, error="invalid_token"` : REALM,
    },
  );

const forbidden = (detail: string, scope?: string) =>
  new ProblemError(403, "forbidden", detail, scope ? { required_scope: scope } : {}, {
    "www-authenticate": `${REALM}, error="insufficient_scope"${scope ? `, scope="${scope}"` : ""}`,
  });

/**
 * Authentication and authorization: `middleware` resolves the bearer credential and guards the
 * host's own routes (admin unless public); `guard` checks each pack route's declared scope.
 * @internal
 */
export function createAuth(deps: {
  readonly registry: Registry;
  readonly keys: ApiKeyStore;
  readonly shares: ShareTokenStore;
  readonly options: AuthOptions;
  readonly log: Logger;
}): { middleware: MiddlewareHandler; guard: RouteGuard } {
  const { registry, keys, shares, options } = deps;
  const disabled = options.disabled === true;
  if (options.adminKey !== undefined && options.adminKey.length < 32)
    throw new TypeError(
      "[valhalla] [auth] The admin key (VALHALLA_ADMIN_KEY) must be at least 32 characters",
    );
  const adminHash = options.adminKey ? hashSecret(options.adminKey) : undefined;
  const packCodes = new Set(registry.packs.map((p) => p.code));

  const resolve = async (header: string): Promise<Principal> => {
    const m = /^Bearer[ ]+([\x21-\x7e]{1,512})$/i.exec(header.trim());
    if (!m) throw unauthorized("Send 'Authorization: Bearer <API key or share token>'", true);
    const secret = m[1]!;
    if (adminHash && sameHash(hashSecret(secret), adminHash))
      return { kind: "key", id: "env-admin", name: "VALHALLA_ADMIN_KEY", scopes: ["admin"] };
    if (secret.startsWith("vk_")) {
      const key = await keys.verify(secret);
      if (key) return { kind: "key", id: key.id, name: key.name, scopes: key.scopes };
    } else if (secret.startsWith("vs_")) {
      const t = await shares.verify(secret);
      if (t) return { kind: "share", id: t.id, scope: t.scope, subject: t.subject };
    }
    // One answer for unknown, revoked, expired and malformed credentials: nothing to probe.
    throw unauthorized("The credential is invalid, revoked or expired", true);
  };

  const middleware: MiddlewareHandler = async (c, next) => {
    const header = c.req.header("authorization");
    // The web app calls the API in-process as its signed-in viewer (see trusted-principal.ts).
    const trusted = trustedPrincipal(c);
    if (trusted) setPrincipal(c, trusted);
    else if (header !== undefined) setPrincipal(c, await resolve(header));
    else if (disabled) setPrincipal(c, { kind: "anonymous" });
    const path = c.req.path;
    const first = path.split("/")[1] ?? "";
    // The web app (`/app`) and the docs' assets check their own sessions and serve public files.
    if (first === "app" || path.startsWith("/docs/")) return next();
    if (disabled || PUBLIC_HOST_PATHS.has(path) || packCodes.has(first) || c.req.method === "OPTIONS")
      return next();
    // Every other host route (registry, jobs, audit, share tokens, brief…) is for admins.
    requireAdmin(c);
    return next();
  };

  const requireAdmin = (c: Context) => {
    const p = getPrincipal(c);
    if (!p) throw unauthorized("This route needs an API key with the 'admin' scope", false);
    if (p.kind !== "key" || !p.scopes.includes("admin"))
      throw forbidden("This route needs an API key with the 'admin' scope", "admin");
  };

  const guard: RouteGuard = (c, route: RegistryRoute) => {
    const needed = route.def.scope;
    const p = getPrincipal(c);
    if (p?.kind === "share") {
      // A share token reaches only routes declared for its kind, not even public ones: a partner's
      // credential should open exactly one door, whatever else is open.
      if (route.def.shareScope !== undefined && route.def.shareScope === p.scope) {
        c.set("shareSubject" as never, p.subject as never);
        return;
      }
      throw forbidden(`A '${p.scope}' share token cannot reach ${route.method} ${route.path}`);
    }
    if (needed === "public" || disabled) return;
    const scope = scopeName(route.pack, needed);
    if (!p) throw unauthorized(`This route needs an API key with the '${scope}' scope`, false);
    if (p.kind === "key" && scopeAllows(p.scopes, route.pack, needed)) return;
    throw forbidden(`This route needs an API key with the '${scope}' scope`, scope);
  };

  return { middleware, guard };
}
