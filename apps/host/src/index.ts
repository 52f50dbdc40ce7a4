/**
 * @module @valhalla/host — compose packs into an HTTP host (`createHost`) and run it.
 */

export type { Principal } from "@valhalla/runtime";
export { type HostConfig, loadConfig } from "./config.js";
export { type CreateHostOptions, createHost, type HardeningOptions, type Host } from "./create-host.js";
export { type FlushableLogger, type JsonLoggerOptions, jsonLogger, silentLogger } from "./log.js";
export { installedPacks, selectPacks } from "./packs.js";
export { STAGE_ORDER, type StageName } from "./pipeline/stage.js";
export type { RouteGuard } from "./pipeline/stages/guard.js";
export {
  IDEMPOTENCY_NS,
  type IdempotencyOptions,
  sweepIdempotencyKeys,
} from "./pipeline/stages/idempotency.js";
export type { RateLimitOptions } from "./pipeline/stages/rate-limit.js";
export {
  API_KEYS_NS,
  type ApiKeyInfo,
  type ApiKeyStore,
  type ApiKeyStoreOptions,
  apiKeyStore,
  parseScopes,
  scopeAllows,
} from "./security/api-keys.js";
export type { AuthOptions } from "./security/auth.js";
export {
  SHARE_TOKENS_NS,
  type ShareTokenInfo,
  type ShareTokenStore,
  shareTokenStore,
} from "./security/share-tokens.js";
export { createDriver, DEFAULT_STORAGE } from "./storage/create-driver.js";
