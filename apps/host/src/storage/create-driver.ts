import { createError, type Driver, memory, postgres, redis, sqlite } from "@valhalla/runtime";

/** Default embedded store: SQLite under `./data`. */
export const DEFAULT_STORAGE = "sqlite:./data/valhalla.db";

/**
 * Pick a driver from a URL: `memory:`, `sqlite:<path>` (the embedded default), `redis://…` /
 * `rediss://…` (ioredis; `?prefix=` sets the key prefix) or `postgres://…` / `postgresql://…`
 * (pg; `?schema=` sets the schema, default `valhalla`).
 */
export async function createDriver(url: string = DEFAULT_STORAGE): Promise<Driver> {
  if (url === "memory:" || url === "memory") return memory();
  if (url.startsWith("sqlite:")) return sqlite({ path: url.slice("sqlite:".length) || "./data/valhalla.db" });
  if (/^rediss?:\/\//.test(url)) {
    const { base, params } = splitParams(url, "prefix");
    return redis({ url: base, ...(params.prefix ? { prefix: params.prefix } : {}) });
  }
  if (/^postgres(?:ql)?:\/\//.test(url)) {
    const { base, params } = splitParams(url, "schema");
    return postgres({ url: base, ...(params.schema ? { schema: params.schema } : {}) });
  }
  throw createError(
    "storage",
    `Unsupported VALHALLA_STORAGE '${redact(url)}'; use memory:, sqlite:<path>, redis://… or postgres://…`,
  );
}

/** Take our own query parameters off a URL, leaving the rest for the client library. */
function splitParams(url: string, ...names: string[]): { base: string; params: Record<string, string> } {
  const parsed = new URL(url);
  const params: Record<string, string> = {};
  for (const name of names) {
    const value = parsed.searchParams.get(name);
    if (value !== null) params[name] = value;
    parsed.searchParams.delete(name);
  }
  return { base: parsed.toString(), params };
}

/** Hide credentials when echoing a storage URL. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}
