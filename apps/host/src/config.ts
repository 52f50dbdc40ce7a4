import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as v from "valibot";
import { DEFAULT_STORAGE } from "./storage/create-driver.js";

/** Host configuration, from `valhalla.config.json` (or `VALHALLA_CONFIG`) overlaid by env. */
export interface HostConfig {
  readonly port: number;
  readonly host: string;
  readonly storage: string;
  /** Pack codes to load; empty means every installed pack. */
  readonly packs: readonly string[];
  readonly timezone: string;
  readonly replicaId: string;
  readonly bodyLimitBytes: number;
  /** `{ disabled: true }` only when `VALHALLA_AUTH=off` or the file says so; admin key from `VALHALLA_ADMIN_KEY`. */
  readonly auth: { readonly disabled: boolean; readonly adminKey?: string };
  /** CORS origins (`VALHALLA_CORS_ORIGINS`, comma-separated); empty = CORS off. */
  readonly corsOrigins: readonly string[];
  /** Reverse proxies whose `X-Forwarded-For` is believed (`VALHALLA_TRUST_PROXY` / `trustProxy`). */
  readonly trustProxy: readonly string[];
  /** Per-caller rate limit, or `false`. */
  readonly rateLimit: { readonly limit: number; readonly windowMs: number } | false;
  /** Request timeout in ms. */
  readonly timeoutMs: number;
  /** Pack config sections keyed by pack code (the file's `config`, then `VALHALLA_PACK_<CODE>_<SETTING>`). */
  readonly packConfig: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Job lease TTL in ms (`VALHALLA_JOB_LEASE_MS` / `jobLeaseMs`); heartbeat TTL/5, janitor TTL/10. */
  readonly jobLeaseMs: number | undefined;
  /** Request log and other log lines go to this file (`VALHALLA_LOG_FILE` / `logFile`); unset = stdout/stderr. */
  readonly logFile: string | undefined;
}

const FileSchema = v.strictObject({
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))),
  host: v.optional(v.string()),
  storage: v.optional(v.string()),
  packs: v.optional(v.array(v.string())),
  timezone: v.optional(v.string()),
  bodyLimitBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024))),
  config: v.optional(v.record(v.string(), v.record(v.string(), v.unknown()))),
  auth: v.optional(v.strictObject({ disabled: v.optional(v.boolean()) })),
  cors: v.optional(v.strictObject({ origins: v.array(v.pipe(v.string(), v.url())) })),
  rateLimit: v.optional(
    v.union([
      v.literal(false),
      v.strictObject({
        limit: v.pipe(v.number(), v.integer(), v.minValue(1)),
        windowMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000))),
      }),
    ]),
  ),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100))),
  jobLeaseMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500))),
  trustProxy: v.optional(v.array(v.pipe(v.string(), v.ip("must be an IP address")))),
  logFile: v.optional(v.pipe(v.string(), v.minLength(1))),
});

/** Read config from file and env; throws with the offending field on bad input. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): HostConfig {
  const path = env.VALHALLA_CONFIG ? resolve(cwd, env.VALHALLA_CONFIG) : resolve(cwd, "valhalla.config.json");
  let file: v.InferOutput<typeof FileSchema> = {};
  if (existsSync(path)) {
    const parsed = v.safeParse(FileSchema, JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.success) {
      const i = parsed.issues[0];
      throw new Error(`[valhalla] [config] ${path}: '${v.getDotPath(i) ?? ""}' ${i.message}`);
    }
    file = parsed.output;
  } else if (env.VALHALLA_CONFIG) {
    throw new Error(`[valhalla] [config] VALHALLA_CONFIG points to '${path}', which does not exist`);
  }
  const port = env.PORT !== undefined ? Number(env.PORT) : (file.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`[valhalla] [config] PORT '${env.PORT}' is not a port number`);
  const packs =
    env.VALHALLA_PACKS !== undefined
      ? env.VALHALLA_PACKS.split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : (file.packs ?? []);
  const jobLeaseMs =
    env.VALHALLA_JOB_LEASE_MS !== undefined ? Number(env.VALHALLA_JOB_LEASE_MS) : file.jobLeaseMs;
  if (jobLeaseMs !== undefined && !(Number.isInteger(jobLeaseMs) && jobLeaseMs >= 500))
    throw new Error(
      `[valhalla] [config] VALHALLA_JOB_LEASE_MS '${env.VALHALLA_JOB_LEASE_MS}' must be an integer ≥ 500`,
    );
  return {
    port,
    host: env.HOST ?? file.host ?? "0.0.0.0",
    storage: env.VALHALLA_STORAGE ?? file.storage ?? DEFAULT_STORAGE,
    packs,
    timezone:
      env.VALHALLA_TZ ?? env.TZ ?? file.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC",
    replicaId: env.VALHALLA_REPLICA_ID ?? `${process.pid}`,
    bodyLimitBytes: file.bodyLimitBytes ?? 1_048_576,
    auth: {
      disabled: env.VALHALLA_AUTH !== undefined ? authOff(env.VALHALLA_AUTH) : (file.auth?.disabled ?? false),
      ...(env.VALHALLA_ADMIN_KEY ? { adminKey: env.VALHALLA_ADMIN_KEY } : {}),
    },
    corsOrigins:
      env.VALHALLA_CORS_ORIGINS !== undefined
        ? env.VALHALLA_CORS_ORIGINS.split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : (file.cors?.origins ?? []),
    rateLimit:
      file.rateLimit === false
        ? false
        : { limit: file.rateLimit?.limit ?? 600, windowMs: file.rateLimit?.windowMs ?? 60_000 },
    timeoutMs: file.timeoutMs ?? 30_000,
    trustProxy:
      env.VALHALLA_TRUST_PROXY !== undefined
        ? env.VALHALLA_TRUST_PROXY.split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : (file.trustProxy ?? []),
    packConfig: withPackEnv(file.config ?? {}, env),
    jobLeaseMs,
    logFile: env.VALHALLA_LOG_FILE
      ? resolve(cwd, env.VALHALLA_LOG_FILE)
      : file.logFile
        ? resolve(cwd, file.logFile)
        : undefined,
  };
}

const PACK_ENV = /^VALHALLA_PACK_([A-Z][A-Z0-9]*)_([A-Z0-9_]+)$/;

/**
 * Pack settings from the environment, over the file's `config` sections:
 * `VALHALLA_PACK_<CODE>_<SETTING>` sets `config.<code>.<setting>` (lower-cased), e.g.
 * `VALHALLA_PACK_BUDGET_CURRENCY=EUR`. A value that reads as JSON (`30`, `true`) is taken as such,
 * anything else as a string; the pack's own config schema then validates it at start.
 */
function withPackEnv(
  sections: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  env: NodeJS.ProcessEnv,
): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [code, section] of Object.entries(sections)) out[code] = { ...section };
  for (const [name, raw] of Object.entries(env)) {
    const m = PACK_ENV.exec(name);
    if (!m || raw === undefined) continue;
    const code = m[1]!.toLowerCase();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[code] = { ...out[code], [m[2]!.toLowerCase()]: value };
  }
  return out;
}

// Only an explicit "off" disables auth; a typo must not open the host.
function authOff(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "off" || v === "disabled" || v === "false") return true;
  if (v === "on" || v === "enabled" || v === "true" || v === "") return false;
  throw new Error(`[valhalla] [config] VALHALLA_AUTH '${value}' must be 'on' or 'off'`);
}
