import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { apiKeyStore, createHost, installedPacks, jsonLogger } from "@valhalla/host";
import {
  cloneSums,
  foldSummary,
  type Asset as Holding,
  holdings,
  NEVER_VALUED,
  SUMS_ID,
  type SummarySums,
} from "@valhalla/pack-holdings";
import {
  bindCollection,
  type Collection,
  type CollectionDef,
  type Driver,
  isValidId,
  type Stored,
} from "@valhalla/runtime";
import Fastify from "fastify";
import { Hono } from "hono";
import * as v from "valibot";
import { startFeaturedHono } from "./hono-featured.js";

/**
 * The servers compared: the full Valhalla host and two hand-rolled apps over the same collection
 * code; `hono-featured` is bare Hono with the host's production features added the Hono way
 * (the `features` and `headers` cases). `node` and `node-secured` are plain `node:http` servers
 * answering only `/healthz`, without and with the host's response headers (the `headers` case).
 */
export type ServerKind = "host" | "hono" | "fastify" | "hono-featured" | "node" | "node-secured";
export const SERVER_KINDS: readonly ServerKind[] = ["host", "hono", "fastify"];

/** A listening server. */
export interface Running {
  readonly port: number;
  /** Headers every request to it carries (the host's API key). */
  readonly headers: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Features of the host's production configuration that the `features` case leaves out, one at a time. */
export const HOST_FEATURES = ["log", "auth", "rateLimit"] as const;
export type HostFeature = (typeof HOST_FEATURES)[number];

/** How a server runs: the host's production configuration writes its request log to `logFile`. */
export interface ServerOptions {
  readonly logFile: string;
  /**
   * Host features to leave out (the `features` case): `log` drops every log line, `auth` turns
   * authentication off (requests carry no key), `rateLimit` turns the rate limit off. None by default.
   */
  readonly without?: readonly HostFeature[];
}

/** A logger that drops every line (the host without its request log). */
const SILENT = { info() {}, warn() {}, error() {}, flush() {} };

type Asset = Record<string, unknown>;
const defs = holdings.storage as unknown as Record<"assets" | "sums", CollectionDef>;

/**
 * The storage work of the holdings routes, written by hand: the same namespaces, collection
 * definitions and `bindCollection` code the host uses, so host and bare apps do equal storage work.
 * A create also adds the holding to the summary's stored sums like the pack does (read +
 * conditional write).
 */
export function bareHoldings(driver: Driver) {
  const assets: Collection<Asset> = bindCollection(driver, "holdings.assets", defs.assets);
  const sums: Collection<SummarySums> = bindCollection(driver, "holdings.sums", defs.sums);
  const audit: Collection<Asset> = bindCollection(driver, "_valhalla.audit", AUDIT_DEF);
  return {
    async get(id: string) {
      return isValidId(id) ? assets.get(id) : null;
    },
    async create(body: unknown) {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
      const b = body as Record<string, unknown>;
      const asset: Stored<Asset> = await assets.create({
        type: b.type,
        label: b.label,
        internal_ref: b.internal_ref ?? null,
        jurisdiction: b.jurisdiction ?? null,
        entity_name: b.entity_name ?? null,
        entity_id: b.entity_id ?? null,
        currency: b.currency,
        notes: b.notes ?? null,
        active: b.active ?? true,
        archived_at: null,
        valuation: null,
        liabilities: {},
        valued_on: b.active === false ? null : NEVER_VALUED,
      });
      if (await sums.get(SUMS_ID))
        await sums.update(SUMS_ID, (cur) => foldSummary(cloneSums(cur), asset as unknown as Holding, 1));
      return asset;
    },
    /** The entry the host's audit stage appends for a create, in the host's audit namespace. */
    async audit(recordId: string, requestId: string) {
      await audit.create({
        at: new Date().toISOString(),
        actor: { kind: "key", id: "key_bench", label: "bench" },
        kind: "request",
        action: "POST /holdings",
        pack: "holdings",
        record_id: recordId,
        outcome: "success",
        status: 201,
        request_id: requestId,
        detail: null,
      });
    },
  };
}

/** The host's audit entry (`_valhalla.audit`): same schema shape and index, so the write costs the same. */
const AUDIT_DEF = {
  prefix: "aud",
  indexes: ["pack"],
  schema: v.object({
    at: v.string(),
    actor: v.object({ kind: v.string(), id: v.optional(v.string()), label: v.string() }),
    kind: v.string(),
    action: v.string(),
    pack: v.string(),
    record_id: v.nullable(v.string()),
    outcome: v.string(),
    status: v.nullable(v.number()),
    request_id: v.nullable(v.string()),
    detail: v.nullable(v.string()),
  }),
} as unknown as CollectionDef;

/** The host's liveness answer, served by the bare apps too. */
const HEALTHY = { status: "ok" } as const;

/**
 * The headers the host adds to every API answer beyond `content-type`: the OWASP REST set
 * (`API_SECURITY_HEADERS` in the host's envelope) and a fresh `x-request-id`. The harness test
 * checks this list against what the host really sends, so the `node-secured` server cannot drift
 * from it.
 */
export const HOST_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "cross-origin-resource-policy": "same-origin",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/**
 * Plain `node:http` answering `/healthz` as cheaply as Node can: one prepared header list, written
 * once. With `secured`, the list also carries {@link HOST_RESPONSE_HEADERS} and a request id, so the
 * pair measures what those headers alone cost any Node server (validated, stored and parsed per
 * header), with no framework around them.
 */
async function startNode(secured: boolean, port: number): Promise<Running> {
  const body = JSON.stringify(HEALTHY);
  // Content-Length as @hono/node-server sends it (no chunking). One flat array, reused: writeHead
  // copies it into the header block at once, so only the request id changes between answers.
  const head = ["content-type", "application/json", "content-length", String(Buffer.byteLength(body))];
  if (secured) head.push(...Object.entries(HOST_RESPONSE_HEADERS).flat(), "x-request-id", "");
  const server = createServer((req, res) => {
    if (req.url !== "/healthz") {
      res.writeHead(404).end();
      return;
    }
    if (secured) head[head.length - 1] = crypto.randomUUID();
    res.writeHead(200, head);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    headers: {},
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Start one server kind over `driver` on loopback, on a free port. */
export async function startServer(
  kind: ServerKind,
  driver: Driver,
  o: ServerOptions,
  port = 0,
): Promise<Running> {
  if (kind === "host") {
    // The host in its production configuration: auth on with a real stored API key (looked up like
    // any client's), rate limiting on with a ceiling the load never reaches, every request logged
    // to a file, audit on for writes.
    await driver.init();
    const off = new Set(o.without);
    const { secret } = await apiKeyStore(driver).create({ name: "bench", scopes: "admin" });
    const log = off.has("log") ? SILENT : jsonLogger({ replica: "bench" }, { destination: o.logFile });
    const host = await createHost({
      packs: installedPacks,
      storage: driver,
      log,
      rateLimit: off.has("rateLimit") ? false : { limit: 1_000_000_000 },
      ...(off.has("auth") ? { auth: { disabled: true } } : {}),
    });
    const { port: bound } = await host.listen(port, "127.0.0.1");
    return {
      port: bound,
      headers: off.has("auth") ? {} : { authorization: `Bearer ${secret}` },
      close: async () => {
        await host.close();
        log.flush();
      },
    };
  }
  await driver.init();
  if (kind === "node" || kind === "node-secured") {
    const node = await startNode(kind === "node-secured", port);
    return { ...node, close: () => node.close().then(() => driver.close()) };
  }
  const h = bareHoldings(driver);
  if (kind === "hono-featured") {
    const app = await startFeaturedHono(driver, h.get, { logFile: o.logFile, port });
    return {
      port: (app.server.address() as AddressInfo).port,
      headers: app.headers,
      close: () =>
        new Promise<void>((r) => app.server.close(() => r())).then(app.close).then(() => driver.close()),
    };
  }
  if (kind === "hono") {
    const app = new Hono();
    app.get("/healthz", (c) => c.json(HEALTHY));
    app.get("/holdings/:id", async (c) => {
      const rec = await h.get(c.req.param("id"));
      return rec ? c.json(rec) : c.json({ title: "not found" }, 404);
    });
    app.post("/holdings", async (c) => {
      const rec = await h.create(await c.req.json().catch(() => null));
      if (!rec) return c.json({ title: "bad" }, 400);
      await h.audit(rec.id, crypto.randomUUID());
      return c.json(rec, 201, { location: `/holdings/${rec.id}` });
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(s));
    });
    return {
      port: (server.address() as AddressInfo).port,
      headers: {},
      close: () => new Promise<void>((r) => server.close(() => driver.close().then(() => r()))),
    };
  }
  const app = Fastify({ logger: false });
  app.get("/healthz", async () => HEALTHY);
  app.get<{ Params: { id: string } }>("/holdings/:id", async (req, reply) => {
    const rec = await h.get(req.params.id);
    return rec ? rec : reply.code(404).send({ title: "not found" });
  });
  app.post("/holdings", async (req, reply) => {
    const rec = await h.create(req.body);
    if (!rec) return reply.code(400).send({ title: "bad" });
    await h.audit(rec.id, crypto.randomUUID());
    return reply.code(201).header("location", `/holdings/${rec.id}`).send(rec);
  });
  await app.listen({ port, host: "127.0.0.1" });
  return {
    port: (app.server.address() as AddressInfo).port,
    headers: {},
    close: async () => {
      await app.close();
      await driver.close();
    },
  };
}
