import { type Principal, ProblemError, type RegistryRoute } from "@valhalla/runtime";
import type { Context } from "hono";
import { requestHeader } from "../http/request-header.js";
import { type ApiKeyInfo, type ApiKeyStore, scopeAllows, scopeName } from "./api-keys.js";
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
  /**
   * How long a verified API key is trusted without reading the store again, in ms (0: every
   * request reads it). A key revoked in this process stops working at once; revoked by another
   * process (a replica, `valhalla keys revoke`), within this time. @default 2000
   */
  readonly cacheMs?: number;
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
  /**
   * The request's principal; `undefined` when no credential was sent and auth is on. Answers
   * without a promise when no storage read is needed (no credential, the admin secret, a key
   * verified moments ago), which is most requests.
   */
  identify(c: Context): Principal | undefined | Promise<Principal | undefined>;
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

  const keyPrincipal = (key: ApiKeyInfo): Principal => ({
    kind: "key",
    id: key.id,
    label: key.name,
    scopes: key.scopes,
  });
  /** The principal a secret names without I/O: the admin secret or a recently verified key. */
  const known = (secret: string): Principal | undefined => {
    if (adminHash && sameHash(hashSecret(secret), adminHash))
      return { kind: "key", id: "env-admin", label: "VALHALLA_ADMIN_KEY", scopes: ["admin"] };
    const key = secret.startsWith("vk_") ? keys.cached(secret) : undefined;
    return key ? keyPrincipal(key) : undefined;
  };
  const verify = async (secret: string): Promise<Principal | undefined> => {
    if (secret.startsWith("vk_")) {
      const key = await keys.verify(secret);
      if (key) return keyPrincipal(key);
    } else if (secret.startsWith("vs_")) {
      const t = await shares.verify(secret);
      if (t) return { kind: "share", id: t.id, scope: t.scope, subject: t.subject };
    }
    return undefined;
  };

  return {
    disabled,
    identify(c) {
      const trusted = trustedPrincipal(c);
      if (trusted) return trusted;
      const header = requestHeader(c, "authorization");
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
      if (!m) {
        budget.fail(address);
        throw unauthorized("Send 'Authorization: Bearer <API key or share token>'", true);
      }
      const secret = m[1]!;
      const found = known(secret);
      if (found) return found;
      return verify(secret).then((p) => {
        if (p) return p;
        budget.fail(address);
        // One answer for unknown, revoked, expired and malformed credentials: nothing to probe.
        throw unauthorized("The credential is invalid, revoked or expired", true);
      });
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
  const raw = requestHeader(c, "x-actor");
  if (raw === undefined || raw.trim() === "") return ANONYMOUS;
  const label = raw.trim();
  if (!ACTOR.test(label)) {
    throw new ProblemError(400, "validation-failed", "Invalid header: 'x-actor' must be a short name or id", {
      errors: [{ pointer: "/headers/x-actor", field: "x-actor", message: "must be a short name or id" }],
    });
  }
  return { kind: "anonymous", label };
}
