import { type Principal, ProblemError, type RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import { type ApiKeyStore, scopeAllows, scopeName } from "./api-keys.js";
import { clientAddress } from "./client-address.js";
import { type FailureBudget, failureBudget } from "./failure-budget.js";
import { hashSecret, sameHash } from "./secrets.js";
import type { ShareTokenStore } from "./share-tokens.js";
import { trustedPrincipal } from "./trusted-principal.js";

/** Authentication options of `createHost`. @public */
export interface AuthOptions {
  /**
   * Turn authentication off (local use only): every route is open and the host logs a warning at
   * start. The `x-actor` header then labels the caller in audit entries and activity logs (it
   * proves nothing and is ignored while auth is on). Also `VALHALLA_AUTH=off` for `valhalla serve`.
   * @default false
   */
  readonly disabled?: boolean;
  /**
   * An admin secret accepted besides stored keys (`VALHALLA_ADMIN_KEY`), at least 32 characters.
   * Compared in constant time; never stored.
   */
  readonly adminKey?: string;
  /**
   * Failed authentications allowed per client address and window before the address gets 429
   * without its credential being looked at. @default { limit: 20, windowMs: 60000 }
   */
  readonly failures?: { readonly limit?: number; readonly windowMs?: number };
}

const REALM = 'Bearer realm="valhalla"';
const ACTOR = /^[\p{L}\p{N}][\p{L}\p{N} ._@:+-]{0,99}$/u;
const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous", label: "anonymous" });

const unauthorized = (detail: string, invalid: boolean) =>
  new ProblemError(
    401,
    "unauthorized",
    detail,
    {},
    { "www-authenticate": invalid ? `${REALM}, error="invalid_token"` : REALM },
  );

const forbidden = (detail: string, scope?: string) =>
  new ProblemError(403, "forbidden", detail, scope ? { required_scope: scope } : {}, {
    "www-authenticate": `${REALM}, error="insufficient_scope"${scope ? `, scope="${scope}"` : ""}`,
  });

/** Who is calling and whether they may call a route: the `identify` and `authorize` stages' logic. @internal */
export interface Auth {
  readonly disabled: boolean;
  /** The request's principal; `undefined` when no credential was sent and auth is on. */
  identify(c: Context): Promise<Principal | undefined>;
  /** Throw 401/403 unless `principal` may call `route`. */
  authorize(principal: Principal | undefined, route: RegistryRoute): void;
}

/**
 * Build the host's authentication: bearer API keys (`vk_…`), share tokens (`vs_…`) and the
 * optional admin secret. Failed attempts count against the client address before any storage
 * lookup, so guessing is throttled and a fake key costs no read once the budget is spent.
 * @internal
 */
export function createAuth(deps: {
  readonly keys: ApiKeyStore;
  readonly shares: ShareTokenStore;
  readonly options: AuthOptions;
  readonly trustProxy?: readonly string[];
  readonly budget?: FailureBudget;
}): Auth {
  const { keys, shares, options } = deps;
  const disabled = options.disabled === true;
  if (options.adminKey !== undefined && options.adminKey.length < 32)
    throw new TypeError(
      "[valhalla] [auth] The admin key (VALHALLA_ADMIN_KEY) must be at least 32 characters",
    );
  const adminHash = options.adminKey ? hashSecret(options.adminKey) : undefined;
  const budget =
    deps.budget ?? failureBudget(options.failures?.limit ?? 20, options.failures?.windowMs ?? 60_000);

  const verify = async (secret: string): Promise<Principal | undefined> => {
    if (adminHash && sameHash(hashSecret(secret), adminHash))
      return { kind: "key", id: "env-admin", label: "VALHALLA_ADMIN_KEY", scopes: ["admin"] };
    if (secret.startsWith("vk_")) {
      const key = await keys.verify(secret);
      if (key) return { kind: "key", id: key.id, label: key.name, scopes: key.scopes };
    } else if (secret.startsWith("vs_")) {
      const t = await shares.verify(secret);
      if (t) return { kind: "share", id: t.id, scope: t.scope, subject: t.subject };
    }
    return undefined;
  };

  return {
    disabled,
    async identify(c) {
      const trusted = trustedPrincipal(c);
      if (trusted) return trusted;
      const header = c.req.header("authorization");
      if (header === undefined) return disabled ? anonymousFrom(c) : undefined;
      const address = clientAddress(c, deps.trustProxy);
      const wait = budget.blockedFor(address);
      if (wait > 0) {
        throw new ProblemError(
          429,
          "too-many-failed-logins",
          `Too many failed authentications from this address; retry after ${wait} s`,
          {},
          { "retry-after": String(wait) },
        );
      }
      const m = /^Bearer[ ]+([\x21-\x7e]{1,512})$/i.exec(header.trim());
      const found = m ? await verify(m[1]!) : undefined;
      if (found) return found;
      budget.fail(address);
      // One answer for unknown, revoked, expired and malformed credentials: nothing to probe.
      throw m
        ? unauthorized("The credential is invalid, revoked or expired", true)
        : unauthorized("Send 'Authorization: Bearer <API key or share token>'", true);
    },
    authorize(p, route) {
      const needed = route.def.scope;
      if (p?.kind === "share") {
        // A share token reaches only routes declared for its kind, not even public ones: a
        // partner's credential should open exactly one door, whatever else is open.
        if (route.def.shareScope !== undefined && route.def.shareScope === p.scope) return;
        throw forbidden(`A '${p.scope}' share token cannot reach ${route.method} ${route.path}`);
      }
      if (needed === "public" || disabled) return;
      const scope = scopeName(route.pack, needed);
      if (!p) throw unauthorized(`This route needs an API key with the '${scope}' scope`, false);
      if (p.kind === "key" && scopeAllows(p.scopes, route.pack, needed)) return;
      throw forbidden(`This route needs an API key with the '${scope}' scope`, scope);
    },
  };
}

/** With auth off, `x-actor` labels the caller (checked, since it lands in records). */
function anonymousFrom(c: Context): Principal {
  const raw = c.req.header("x-actor");
  if (raw === undefined || raw.trim() === "") return ANONYMOUS;
  const label = raw.trim();
  if (!ACTOR.test(label)) {
    throw new ProblemError(400, "validation-failed", "Invalid header: 'x-actor' must be a short name or id", {
      errors: [{ pointer: "/headers/x-actor", field: "x-actor", message: "must be a short name or id" }],
    });
  }
  return { kind: "anonymous", label };
}
