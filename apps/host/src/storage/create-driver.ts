import { createError, type Driver, memory, sqlite } from "@valhalla/runtime";

/** Default embedded store: SQLite under `./data`. */
export const DEFAULT_STORAGE = "sqlite:./data/valhalla.db";

/**
 * Pick a driver from a URL: `memory:`, `sqlite:<path>` (the embedded default) or, once their
 * drivers are installed, `redis://…` and `postgres://…`.
 */
export async function createDriver(url: string = DEFAULT_STORAGE): Promise<Driver> {
  if (url === "memory:" || url === "memory") return memory();
  if (url.startsWith("sqlite:")) return sqlite({ path: url.slice("sqlite:".length) || "./data/valhalla.db" });
  throw createError(
    "storage",
    `Unsupported VALHALLA_STORAGE '${redact(url)}'; use memory:, sqlite:<path>, redis://… or postgres://…`,
  );
}

/** Hide credentials when echoing a storage URL. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}
