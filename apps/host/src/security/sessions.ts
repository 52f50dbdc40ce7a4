import { randomBytes } from "node:crypto";
import type { Principal } from "@valhalla/runtime";
import { bindCollection, type Collection, collection, createId, type Driver } from "@valhalla/runtime";
import * as v from "valibot";
import { API_KEYS_NS } from "./api-keys.js";
import { hashSecret, makeSecret, sameHash, secretId } from "./secrets.js";
import { SHARE_TOKENS_NS } from "./share-tokens.js";

/** Storage namespace of web-app sessions (hashes only). @public */
export const SESSIONS_NS = "_valhalla.sessions";

/** Name of the session cookie. @public */
export const SESSION_COOKIE = "valhalla_session";

/** How long a session lives after sign-in. @default 12 hours */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const SessionRecord = v.object({
  kind: v.picklist(["key", "share"]),
  /** The API key (`key_…`, or `env-admin`) or share token (`shr_…`) the session was opened with. */
  credential_id: v.string(),
  /** For `env-admin` only: hash of the admin secret, so changing VALHALLA_ADMIN_KEY ends its sessions. */
  credential_hash: v.nullable(v.string()),
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  csrf: v.string(),
  expires_at: v.string(),
  /** A one-time message for the next page view (Post/Redirect/Get). */
  flash: v.nullable(v.string()),
});
const def = collection({ prefix: "ses", schema: SessionRecord, indexes: [] });
type Row = v.InferOutput<typeof SessionRecord>;

// The stores of keys and share tokens keep their schemas private; sessions read only these fields.
const KeyView = v.looseObject({
  name: v.string(),
  scopes: v.array(v.string()),
  revoked_at: v.nullable(v.string()),
});
const ShareView = v.looseObject({
  scope: v.string(),
  subject: v.string(),
  expires_at: v.string(),
  revoked_at: v.nullable(v.string()),
});

/** A live session: who it acts for, its CSRF token and its pending notice. @public */
export interface Session {
  readonly id: string;
  readonly principal: Exclude<Principal, { kind: "anonymous" } | { kind: "job" } | { kind: "operator" }>;
  readonly csrf: string;
  readonly flash: string | null;
}

/** Server-side sessions of the web app. @public */
export interface SessionStore {
  /** Open a session for a verified principal; returns the cookie value (shown once). */
  open(
    principal: Exclude<Principal, { kind: "anonymous" } | { kind: "job" } | { kind: "operator" }>,
    adminHash?: string,
  ): Promise<string>;
  /**
   * The live session of a cookie value, or `null`: unknown, expired, or its key or share token
   * revoked or expired since. `adminHash` is the current VALHALLA_ADMIN_KEY's hash, if any.
   */
  read(cookie: string, adminHash?: string): Promise<Session | null>;
  /** Set (or clear, with `null`) the one-time notice. */
  flash(id: string, message: string | null): Promise<void>;
  close(id: string): Promise<void>;
}

/**
 * Web-app sessions in `_valhalla.sessions`: the cookie carries a random secret whose SHA-256 is
 * stored, next to the id of the API key or share token it was opened with. Every read checks that
 * credential again, so revoking a key or token ends its sessions at once.
 * @example
 * const sessions = sessionStore(host.registry.driver);
 * const cookie = await sessions.open({ kind: "key", id, label, scopes });
 * @public
 */
export function sessionStore(driver: Driver, now: () => Date = () => new Date()): SessionStore {
  const col = bindCollection(driver, SESSIONS_NS, def) as Collection<Row>;
  const keys = bindCollection(
    driver,
    API_KEYS_NS,
    collection({ prefix: "key", schema: KeyView, indexes: [] }),
  ) as Collection<v.InferOutput<typeof KeyView>>;
  const shares = bindCollection(
    driver,
    SHARE_TOKENS_NS,
    collection({ prefix: "shr", schema: ShareView, indexes: [] }),
  ) as Collection<v.InferOutput<typeof ShareView>>;

  const principalOf = async (row: Row, adminHash?: string): Promise<Session["principal"] | null> => {
    if (row.kind === "share") {
      const t = await shares.get(row.credential_id);
      if (!t || t.revoked_at !== null || Date.parse(t.expires_at) <= now().getTime()) return null;
      return { kind: "share", id: row.credential_id, scope: t.scope, subject: t.subject };
    }
    if (row.credential_id === "env-admin") {
      if (!adminHash || !row.credential_hash || !sameHash(adminHash, row.credential_hash)) return null;
      return { kind: "key", id: "env-admin", label: "VALHALLA_ADMIN_KEY", scopes: ["admin"] };
    }
    const k = await keys.get(row.credential_id);
    if (!k || k.revoked_at !== null) return null;
    return { kind: "key", id: row.credential_id, label: k.name, scopes: k.scopes };
  };

  return {
    async open(principal, adminHash) {
      const id = createId("ses");
      const secret = makeSecret("vss", id);
      await col.create(
        {
          kind: principal.kind,
          credential_id: principal.id,
          credential_hash: principal.id === "env-admin" ? (adminHash ?? null) : null,
          hash: hashSecret(secret),
          csrf: randomBytes(32).toString("base64url"),
          expires_at: new Date(now().getTime() + SESSION_TTL_MS).toISOString(),
          flash: null,
        },
        { id },
      );
      return secret;
    },
    async read(cookie, adminHash) {
      const id = secretId("vss", "ses", cookie);
      if (!id) return null;
      const row = await col.get(id);
      if (!row || !sameHash(hashSecret(cookie), row.hash)) return null;
      if (Date.parse(row.expires_at) <= now().getTime()) {
        await col.delete(id);
        return null;
      }
      const principal = await principalOf(row, adminHash);
      if (!principal) return null;
      return { id, principal, csrf: row.csrf, flash: row.flash };
    },
    async flash(id, message) {
      await col.update(id, { flash: message });
    },
    async close(id) {
      await col.delete(id);
    },
  };
}
