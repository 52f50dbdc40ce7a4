import { type CreateHostOptions, createHost, type Host, jsonLogger, loadConfig } from "@valhalla/host";
import { packs } from "./packs.js";

/** Settings of this host, from `valhalla.config.json` and `PORT`, `VALHALLA_STORAGE`, `VALHALLA_TZ`. */
export type Settings = ReturnType<typeof loadConfig>;

/** Read settings; the default store is a SQLite file beside the process. */
export function settings(env: NodeJS.ProcessEnv = process.env): Settings {
  return loadConfig({ VALHALLA_STORAGE: "sqlite:./data/custom-host.db", ...env });
}

/**
 * Build the host over our pack set. `createHost` validates the set (throwing one error that lists
 * every issue), runs migrations and mounts every pack route plus `/registry/validate`,
 * `/openapi.json` and `/healthz`.
 */
export function buildHost(s: Settings, extra: Partial<CreateHostOptions> = {}): Promise<Host> {
  return createHost({
    packs,
    storage: s.storage,
    timezone: s.timezone,
    config: s.packConfig,
    bodyLimitBytes: s.bodyLimitBytes,
    // VALHALLA_AUTH=off disables auth (local use); VALHALLA_ADMIN_KEY is an admin secret.
    auth: s.auth.adminKey
      ? { disabled: s.auth.disabled, adminKey: s.auth.adminKey }
      : { disabled: s.auth.disabled },
    log: jsonLogger({ app: "custom-host" }),
    ...extra,
  });
}
