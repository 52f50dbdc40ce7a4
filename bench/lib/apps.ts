import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createHost, installedPacks, silentLogger } from "@valhalla/host";
import { holdings } from "@valhalla/pack-holdings";
import {
  bindCollection,
  type Collection,
  type CollectionDef,
  type Driver,
  isValidId,
} from "@valhalla/runtime";
import Fastify from "fastify";
import { Hono } from "hono";

/** The servers compared: the full Valhalla host and two hand-rolled apps over the same collection code. */
export type ServerKind = "host" | "hono" | "fastify";
export const SERVER_KINDS: readonly ServerKind[] = ["host", "hono", "fastify"];

/** A listening server. */
export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

type Asset = Record<string, unknown>;
const defs = holdings.storage as unknown as Record<"assets" | "meta", CollectionDef>;

/**
 * The storage work of the holdings routes, written by hand: the same namespaces, collection
 * definitions and `bindCollection` code the host uses, so host and bare apps do equal storage work.
 * A create also bumps the summary generation like the pack does (read + conditional write).
 */
export function bareHoldings(driver: Driver) {
  const assets: Collection<Asset> = bindCollection(driver, "holdings.assets", defs.assets);
  const meta: Collection<Asset> = bindCollection(driver, "holdings.meta", defs.meta);
  return {
    async get(id: string) {
      return isValidId(id) ? assets.get(id) : null;
    },
    async create(body: unknown) {
      if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
      const b = body as Record<string, unknown>;
      const asset = await assets.create({
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
      });
      if (await meta.get("gen"))
        await meta.update("gen", (cur) => ({ ...cur, gen: (cur.gen as number) + 1 }));
      else await meta.create({ gen: 1, data: null, day: "", computed_at: "" }, { id: "gen" }).catch(() => {});
      return asset;
    },
  };
}

/** Admin secret the benchmarked host accepts; the load generator sends it to every server. */
export const BENCH_ADMIN_KEY = "bench-admin-secret-0123456789abcdefghijklmnop";

/** Start one server kind over `driver` on loopback, on a free port. */
export async function startServer(kind: ServerKind, driver: Driver): Promise<Running> {
  if (kind === "host") {
    // The full host: auth on (the load generator sends BENCH_ADMIN_KEY), rate limiting on but with
    // a ceiling the load never reaches, so its per-request store counter is part of the cost.
    const host = await createHost({
      packs: installedPacks,
      storage: driver,
      log: silentLogger,
      auth: { adminKey: BENCH_ADMIN_KEY },
      rateLimit: { limit: 1_000_000_000 },
    });
    const { port } = await host.listen(0, "127.0.0.1");
    return { port, close: () => host.close() };
  }
  await driver.init();
  const h = bareHoldings(driver);
  if (kind === "hono") {
    const app = new Hono();
    app.get("/holdings/:id", async (c) => {
      const rec = await h.get(c.req.param("id"));
      return rec ? c.json(rec) : c.json({ title: "not found" }, 404);
    });
    app.post("/holdings", async (c) => {
      const rec = await h.create(await c.req.json().catch(() => null));
      return rec ? c.json(rec, 201, { location: `/holdings/${rec.id}` }) : c.json({ title: "bad" }, 400);
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((r) => server.close(() => driver.close().then(() => r()))),
    };
  }
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>("/holdings/:id", async (req, reply) => {
    const rec = await h.get(req.params.id);
    return rec ? rec : reply.code(404).send({ title: "not found" });
  });
  app.post("/holdings", async (req, reply) => {
    const rec = await h.create(req.body);
    if (!rec) return reply.code(400).send({ title: "bad" });
    return reply.code(201).header("location", `/holdings/${rec.id}`).send(rec);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: async () => {
      await app.close();
      await driver.close();
    },
  };
}
