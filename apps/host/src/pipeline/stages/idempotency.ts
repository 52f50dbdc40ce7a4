import { createHash } from "node:crypto";
import { type Driver, type Logger, ProblemError } from "@valhalla/runtime";
import type { Context } from "hono";
import { requestHeader } from "../../http/request-header.js";
import type { Stage } from "../stage.js";
import { callerKey } from "./rate-limit.js";

/** Storage namespace of idempotency records. @public */
export const IDEMPOTENCY_NS = "_valhalla.idempotency";

/** Idempotency options of `createHost`. @public */
export interface IdempotencyOptions {
  /** How long a completed response is replayed. @default 86400000 (24 h) */
  readonly ttlMs?: number;
  /** How long an in-flight claim blocks retries before a crashed request's key is claimable again. @default 120000 */
  readonly leaseMs?: number;
  /** How often a listening host removes expired keys (`sweepIdempotencyKeys`). @default 3600000 */
  readonly sweepMs?: number;
}

type Entry =
  | { state: "in_flight"; fingerprint: string; created_at: number; lease_until: number }
  | {
      state: "done";
      fingerprint: string;
      created_at: number;
      status: number;
      headers: [string, string][];
      body: string;
    };

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** Parse `Idempotency-Key`: an RFC 8941 sf-string (`"…"`) or, as Stripe clients send, a bare token. */
function parseKey(raw: string): string {
  const t = raw.trim();
  let key: string | undefined;
  if (t.startsWith('"')) {
    const m = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(t);
    key = m?.[1]?.replace(/\\(["\\])/g, "$1");
  } else if (/^[\x21\x23-\x7e]+$/.test(t)) key = t;
  if (!key || key.length > 255) {
    throw new ProblemError(
      400,
      "invalid-idempotency-key",
      "Idempotency-Key must be 1 to 255 printable ASCII characters, as a quoted string",
      {
        errors: [{ pointer: "/headers/idempotency-key", field: "Idempotency-Key", message: "is malformed" }],
      },
    );
  }
  return key;
}

/**
 * `idempotency` (POST): the first request with an `Idempotency-Key` claims it with an
 * insert-if-absent in the shared store; a retry with the same body gets the first response
 * replayed byte for byte (`Idempotent-Replayed: true`), another body gets 422, a retry while the
 * first runs gets 409 (IETF httpapi draft). Keys are scoped per caller, method and path. Requests
 * refused before their handler ran (validation) release the key; a timed-out one releases it when
 * its handler has stopped.
 * @internal
 */
export function idempotencyStage(
  driver: Driver,
  log: Logger,
  options: IdempotencyOptions = {},
  trustProxy?: readonly string[],
): Stage {
  const ttlMs = options.ttlMs ?? 86_400_000;
  const leaseMs = options.leaseMs ?? 120_000;
  return {
    name: "idempotency",
    async run(x, next) {
      const c = x.c;
      const header = requestHeader(c, "idempotency-key");
      if (header === undefined) return next(x);
      const key = parseKey(header);
      const fingerprint = sha256(x.text ?? "");
      const id = `idem_${sha256(`${callerKey(x, trustProxy)}\n${c.req.method}\n${c.req.path}\n${key}`)}`;

      let rev = 0;
      for (let attempt = 0; rev === 0; attempt++) {
        if (attempt > 5)
          throw new ProblemError(409, "idempotency-busy", "The idempotency key is contended; retry");
        const now = await driver.now();
        const claim: Entry = { state: "in_flight", fingerprint, created_at: now, lease_until: now + leaseMs };
        const cur = await driver.get(IDEMPOTENCY_NS, id);
        if (cur) {
          const entry = JSON.parse(cur.value) as Entry;
          const stale =
            entry.created_at + ttlMs <= now || (entry.state === "in_flight" && entry.lease_until <= now);
          if (!stale) return answerExisting(c, entry, fingerprint);
        }
        const expectRev = cur?.rev ?? 0;
        const res = await driver.write(IDEMPOTENCY_NS, {
          record: { id, rev: expectRev + 1, value: JSON.stringify(claim) },
          index: {},
          expectRev,
        });
        if (res.ok) rev = expectRev + 1;
      }

      const release = () =>
        driver.remove(IDEMPOTENCY_NS, id, rev).catch((err: unknown) => {
          log.warn("idempotency release failed", { error: String(err), request_id: c.get("requestId") });
        });
      let res: Response;
      try {
        res = await next(x);
      } catch (err) {
        if (x.pending) void x.pending.then(release);
        else await release();
        throw err;
      }
      if (!x.started) {
        await release();
        return res;
      }
      const body = Buffer.from(await res.clone().arrayBuffer()).toString("base64");
      const headers = [...res.headers].filter(([k]) => k !== "x-request-id" && k !== "set-cookie");
      const done: Entry = {
        state: "done",
        fingerprint,
        created_at: await driver.now(),
        status: res.status,
        headers,
        body,
      };
      const saved = await driver.write(IDEMPOTENCY_NS, {
        record: { id, rev: rev + 1, value: JSON.stringify(done) },
        index: {},
        expectRev: rev,
      });
      if (!saved.ok) log.warn("idempotency record lost its claim", { request_id: c.get("requestId") });
      return res;
    },
  };
}

/**
 * The idempotency janitor: remove keys whose replay window (`ttlMs`) is over, and in-flight claims
 * whose request died (lease over), so the namespace holds only what can still be answered.
 * Removal is conditional on the revision read, so a key re-claimed meanwhile is kept. Returns how
 * many keys it removed. The host runs it every `sweepMs` while listening.
 * @internal
 */
export async function sweepIdempotencyKeys(
  driver: Driver,
  options: IdempotencyOptions = {},
): Promise<number> {
  const ttlMs = options.ttlMs ?? 86_400_000;
  const now = await driver.now();
  let removed = 0;
  const stale: { id: string; rev: number }[] = [];
  for await (const rec of driver.scan(IDEMPOTENCY_NS)) {
    const entry = JSON.parse(rec.value) as Entry;
    const over = entry.created_at + ttlMs <= now || (entry.state === "in_flight" && entry.lease_until <= now);
    if (over) stale.push({ id: rec.id, rev: rec.rev });
  }
  for (const { id, rev } of stale) if ((await driver.remove(IDEMPOTENCY_NS, id, rev)).ok) removed++;
  return removed;
}

function answerExisting(c: Context, entry: Entry, fingerprint: string): Response {
  if (entry.fingerprint !== fingerprint) {
    throw new ProblemError(
      422,
      "idempotency-key-reused",
      "This Idempotency-Key was already used with a different request body",
    );
  }
  if (entry.state === "in_flight") {
    throw new ProblemError(
      409,
      "idempotency-in-flight",
      "A request with this Idempotency-Key is still being processed; retry later",
      {},
      { "retry-after": "1" },
    );
  }
  const headers = new Headers(entry.headers);
  headers.set("idempotent-replayed", "true");
  headers.set("x-request-id", c.get("requestId"));
  const body = entry.status === 204 ? null : new Uint8Array(Buffer.from(entry.body, "base64"));
  return new Response(body, { status: entry.status, headers });
}
