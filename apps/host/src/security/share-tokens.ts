import { bindCollection, type Collection, collection, createId, type Driver } from "@valhalla/runtime";
import * as v from "valibot";
import { hashSecret, makeSecret, sameHash, secretId } from "./secrets.js";

/** Storage namespace of share tokens (hashes only). @public */
export const SHARE_TOKENS_NS = "_valhalla.share_tokens";

/** Longest lifetime of a share token. */
export const SHARE_TOKEN_MAX_DAYS = 365;
/** Lifetime when the creator gives no `expires_at`. */
export const SHARE_TOKEN_DEFAULT_DAYS = 30;

const TokenRecord = v.object({
  scope: v.string(),
  subject: v.string(),
  note: v.nullable(v.string()),
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  expires_at: v.string(),
  revoked_at: v.nullable(v.string()),
  created_by: v.string(),
});
const def = collection({ prefix: "shr", schema: TokenRecord, indexes: ["scope"] });

/** A share token as listed (never with its secret or hash). @public */
export interface ShareTokenInfo {
  readonly id: string;
  readonly scope: string;
  readonly subject: string;
  readonly note: string | null;
  readonly expires_at: string;
  readonly revoked_at: string | null;
  readonly created_by: string;
  readonly created_at: string;
}

/** Share tokens over a driver. @public */
export interface ShareTokenStore {
  create(input: {
    scope: string;
    subject: string;
    expiresAt: Date;
    note?: string | null;
    createdBy: string;
  }): Promise<{ token: ShareTokenInfo; secret: string }>;
  list(): Promise<ShareTokenInfo[]>;
  revoke(id: string): Promise<ShareTokenInfo | null>;
  /** The live (unexpired, unrevoked) token a secret belongs to, or `null`. */
  verify(secret: string, now?: Date): Promise<ShareTokenInfo | null>;
}

type Row = v.InferOutput<typeof TokenRecord>;

/**
 * Partner share tokens in `_valhalla.share_tokens`: one scope (e.g. `jv_board`), one subject,
 * an expiry, revocable. Stored as SHA-256 hashes like API keys.
 * @public
 */
export function shareTokenStore(driver: Driver): ShareTokenStore {
  const col = bindCollection(driver, SHARE_TOKENS_NS, def) as Collection<Row>;
  const info = ({
    hash: _hash,
    rev: _rev,
    updated_at: _u,
    ...rest
  }: Row & { id: string; rev: number; created_at: string; updated_at: string }): ShareTokenInfo => rest;
  return {
    async create({ scope, subject, expiresAt, note, createdBy }) {
      const id = createId("shr");
      const secret = makeSecret("vs", id);
      const rec = await col.create(
        {
          scope,
          subject,
          note: note ?? null,
          hash: hashSecret(secret),
          expires_at: expiresAt.toISOString(),
          revoked_at: null,
          created_by: createdBy,
        },
        { id },
      );
      return { token: info(rec), secret };
    },
    async list() {
      const out: ShareTokenInfo[] = [];
      for await (const r of col.iterate({ order: "asc" })) out.push(info(r));
      return out;
    },
    async revoke(id) {
      if (!(await col.get(id))) return null;
      const rec = await col.update(id, ({ id: _i, rev: _r, created_at: _c, updated_at: _u, ...cur }) => ({
        ...cur,
        revoked_at: cur.revoked_at ?? new Date().toISOString(),
      }));
      return info(rec);
    },
    async verify(secret, now = new Date()) {
      const id = secretId("vs", "shr", secret);
      if (!id) return null;
      const rec = await col.get(id);
      if (!rec || rec.revoked_at !== null || Date.parse(rec.expires_at) <= now.getTime()) return null;
      return sameHash(hashSecret(secret), rec.hash) ? info(rec) : null;
    },
  };
}
